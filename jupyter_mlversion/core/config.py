"""Project settings from ``.mlversion/config.toml``, with defaults for everything."""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Kind

DEFAULT_CONFIG = """\
# jupyter_mlversion project settings

[store]
# Where objects live: relative to .mlversion/, or an absolute folder that several projects
# (say, a team on a shared JupyterHub volume) can share. MLVERSION_STORE overrides it.
path = "objects"
# Content-defined chunking of large files (bytes).
chunk_min = 131072
chunk_avg = 524288
chunk_max = 2097152

[tracking]
# Files matching these patterns are models; the others are datasets or plain files.
model_patterns = ["*.pkl", "*.pickle", "*.joblib", "*.pt", "*.pth", "*.onnx", "*.safetensors",
                  "*.keras", "*.ckpt", "*.h5model", "models/**"]
dataset_patterns = ["*.csv", "*.tsv", "*.parquet", "*.feather", "*.arrow", "*.jsonl",
                    "*.json", "*.npy", "*.npz", "*.h5", "*.hdf5", "*.xlsx", "*.txt", "data/**"]
# Glob patterns (relative to the project root, ** for any depth) of files every snapshot of
# a notebook, and every plain 'mlversion snapshot', records, e.g. ["models/*.safetensors"].
track_patterns = []
# Warn when a single tracked file is larger than this many bytes (0: never).
size_warning = 10737418240
"""

ALWAYS_IGNORED = (
    ".mlversion",
    ".git",
    ".ipynb_checkpoints",
    "__pycache__",
    ".venv",
    "node_modules",
)


@dataclass(frozen=True)
class Config:
    """Settings of one project."""

    store_path: str = "objects"
    chunk_min: int = 131072
    chunk_avg: int = 524288
    chunk_max: int = 2097152
    model_patterns: tuple[str, ...] = ()
    dataset_patterns: tuple[str, ...] = ()
    size_warning: int = 0
    track_patterns: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, meta: Path) -> Config:
        """Read ``config.toml`` (missing keys take their defaults)."""
        import tomllib  # only when the config is first needed (not by a no-change snapshot)

        data = tomllib.loads(DEFAULT_CONFIG)
        path = meta / "config.toml"
        if path.exists():
            user = tomllib.loads(path.read_text(encoding="utf-8"))
            for section, values in user.items():
                if isinstance(values, dict):
                    data.setdefault(section, {}).update(values)
        store, tracking = data.get("store", {}), data.get("tracking", {})
        return cls(
            store_path=str(store.get("path", "objects")),
            chunk_min=int(store["chunk_min"]),
            chunk_avg=int(store["chunk_avg"]),
            chunk_max=int(store["chunk_max"]),
            model_patterns=tuple(tracking["model_patterns"]),
            dataset_patterns=tuple(tracking["dataset_patterns"]),
            size_warning=int(tracking.get("size_warning", 0)),
            track_patterns=tuple(str(p) for p in tracking.get("track_patterns", ())),
        )

    def kind_of(self, rel: str) -> Kind:
        """Classify a project-relative path as notebook, model, dataset or file."""
        if rel.endswith(".ipynb"):
            return "notebook"
        name = rel.rsplit("/", 1)[-1]
        if _matches(rel, name, self.model_patterns):
            return "model"
        if _matches(rel, name, self.dataset_patterns):
            return "dataset"
        return "file"


def _matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    prefixes, glob = _compiled(patterns)
    for prefix in prefixes:
        if rel.startswith(prefix + "/") or f"/{prefix}/" in f"/{rel}":
            return True
    return glob is not None and (glob.match(name) is not None or glob.match(rel) is not None)


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    """``folder/**`` prefixes, and every other glob as one regex (kind_of runs once per file)."""
    prefixes = tuple(p[:-3] for p in patterns if p.endswith("/**"))
    globs = [fnmatch.translate(p) for p in patterns if not p.endswith("/**")]
    return prefixes, re.compile("|".join(f"(?:{g})" for g in globs)) if globs else None

"""Project settings from ``.mlversion/config.toml``, with defaults for everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .kinds import DATASET_PATTERNS, MODEL_PATTERNS, classify
from .layout import CONFIG_FILE, META_DIR
from .model import Kind


def _toml_list(key: str, values: tuple[str, ...], width: int = 96) -> str:
    """``key = ["a", "b", ...]`` wrapped under the bracket, as a person would write it."""
    lines, line = [], f"{key} = ["
    indent = " " * len(line)
    for n, value in enumerate(values):
        item = f'"{value}"' + ("," if n < len(values) - 1 else "]")
        if len(line) + len(item) + 1 > width and not line.endswith("["):
            lines.append(line)
            line = indent + item
        else:
            line += ("" if line.endswith("[") else " ") + item
    return "\n".join([*lines, line])


DEFAULT_CONFIG = f"""\
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
{_toml_list("model_patterns", MODEL_PATTERNS)}
{_toml_list("dataset_patterns", DATASET_PATTERNS)}
# Glob patterns (relative to the project root, ** for any depth) of files every snapshot of
# a notebook, and every plain 'mlversion snapshot', records, e.g. ["models/*.safetensors"].
track_patterns = []
# Warn when a single tracked file is larger than this many bytes (0: never).
size_warning = 10737418240
"""

ALWAYS_IGNORED = (
    META_DIR,
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
    model_patterns: tuple[str, ...] = MODEL_PATTERNS
    dataset_patterns: tuple[str, ...] = DATASET_PATTERNS
    size_warning: int = 0
    track_patterns: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, meta: Path) -> Config:
        """Read ``config.toml`` (missing keys take their defaults)."""
        import tomllib  # only when the config is first needed (not by a no-change snapshot)

        data = tomllib.loads(DEFAULT_CONFIG)
        path = meta / CONFIG_FILE
        hint = "fix it, or delete it to use the default settings"
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} is not valid TOML ({exc}); {hint}") from None
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
        for section, values in user.items():
            if isinstance(values, dict):
                data.setdefault(section, {}).update(values)
        try:
            return cls._from(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path} holds a setting of the wrong type ({exc}); {hint}") from None

    @classmethod
    def _from(cls, data: dict[str, Any]) -> Config:
        store, tracking = data.get("store", {}), data.get("tracking", {})
        for key in ("model_patterns", "dataset_patterns", "track_patterns"):
            if not isinstance(tracking.get(key, ()), list | tuple):
                raise TypeError(f"[tracking] {key} must be a list of patterns")
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
        return classify(rel, self.model_patterns, self.dataset_patterns)

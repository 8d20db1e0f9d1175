"""Which paths are notebooks, models and datasets: the one table config and diffs share.

``config.toml`` starts from these patterns (a project may change its own); the diff dispatcher
uses them when a caller does not say what kind a file is. HDF5 (``.h5``, ``.hdf5``) holds
arrays and tables, so it is a dataset; Keras models saved as HDF5 use ``.keras``/``.h5model``.
"""

from __future__ import annotations

import fnmatch
import functools
import re

from .model import Kind

NOTEBOOK_SUFFIX = ".ipynb"
MODEL_SUFFIXES = (
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".onnx", ".safetensors", ".keras", ".ckpt",
    ".h5model",
)  # fmt: skip
DATASET_SUFFIXES = (
    ".csv", ".tsv", ".parquet", ".feather", ".arrow", ".jsonl", ".json", ".npy", ".npz", ".h5",
    ".hdf5", ".xlsx", ".txt",
)  # fmt: skip
MODEL_FOLDERS = ("models",)
DATASET_FOLDERS = ("data",)

MODEL_PATTERNS = (*(f"*{s}" for s in MODEL_SUFFIXES), *(f"{d}/**" for d in MODEL_FOLDERS))
DATASET_PATTERNS = (*(f"*{s}" for s in DATASET_SUFFIXES), *(f"{d}/**" for d in DATASET_FOLDERS))


def classify(
    rel: str,
    model_patterns: tuple[str, ...] = MODEL_PATTERNS,
    dataset_patterns: tuple[str, ...] = DATASET_PATTERNS,
) -> Kind:
    """Kind of a project-relative path: notebook, then model, then dataset patterns, else file."""
    if rel.endswith(NOTEBOOK_SUFFIX):
        return "notebook"
    name = rel.rsplit("/", 1)[-1]
    if _matches(rel, name, model_patterns):
        return "model"
    if _matches(rel, name, dataset_patterns):
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
    """``folder/**`` prefixes, and every other glob as one regex (classify runs once per file)."""
    prefixes = tuple(p[:-3] for p in patterns if p.endswith("/**"))
    globs = [fnmatch.translate(p) for p in patterns if not p.endswith("/**")]
    return prefixes, re.compile("|".join(f"(?:{g})" for g in globs)) if globs else None

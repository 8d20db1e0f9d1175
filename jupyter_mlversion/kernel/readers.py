"""Wrappers for file readers written in C/C++, which the audit hook cannot see.

pyarrow (Parquet, Feather, CSV) and h5py open files in native code. Their public entry
points are wrapped when those modules are imported (now, or later through a small
post-import finder), so pandas' ``read_parquet``/``read_feather`` are covered too: pandas
looks these functions up on the module at call time.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from . import capture

# module -> [(attribute, "read"|"write", positional index of the path, keyword name)]
_FUNCTIONS: dict[str, list[tuple[str, str, int, str]]] = {
    "pyarrow.parquet": [
        ("read_table", "read", 0, "source"),
        ("read_pandas", "read", 0, "source"),
        ("read_metadata", "read", 0, "where"),
        ("read_schema", "read", 0, "where"),
        ("write_table", "write", 1, "where"),
    ],
    "pyarrow.feather": [
        ("read_table", "read", 0, "source"),
        ("read_feather", "read", 0, "source"),
        ("write_feather", "write", 1, "dest"),
    ],
    "pyarrow.csv": [
        ("read_csv", "read", 0, "input_file"),
        ("open_csv", "read", 0, "input_file"),
        ("write_csv", "write", 1, "output_file"),
    ],
}
# module -> [(class, "read"|"write"|"mode", positional index after self, keyword name)]
_CLASSES: dict[str, list[tuple[str, str, int, str]]] = {
    "pyarrow.parquet": [
        ("ParquetFile", "read", 0, "source"),
        ("ParquetWriter", "write", 0, "where"),
    ],
    "h5py": [("File", "mode", 0, "name")],
}
WATCHED = frozenset(_FUNCTIONS) | frozenset(_CLASSES)
_MARK = "__mlversion_original__"
_patched: list[tuple[Any, str, Any]] = []  # (owner, attribute, original) to undo on unload


def _path_arg(args: Sequence[Any], kwargs: dict[str, Any], index: int, name: str) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else None


def _h5py_writes(args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    mode = kwargs.get("mode", args[1] if len(args) > 1 else "r")
    return mode not in (None, "r")


def _report(path: Any, write: bool, via: str) -> None:
    rec = capture.current()
    if rec is not None and rec.active and path is not None:
        rec.note(path, write=write, via=via)


def _wrap_function(func: Callable[..., Any], kind: str, index: int, name: str, via: str) -> Any:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _report(_path_arg(args, kwargs, index, name), kind == "write", via)
        return func(*args, **kwargs)

    setattr(wrapper, _MARK, func)
    return wrapper


def _wrap_init(init: Callable[..., Any], kind: str, index: int, name: str, via: str) -> Any:
    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        write = _h5py_writes(args, kwargs) if kind == "mode" else kind == "write"
        _report(_path_arg(args, kwargs, index, name), write, via)
        init(self, *args, **kwargs)

    setattr(wrapper, _MARK, init)
    return wrapper


def patch_module(module: ModuleType) -> None:
    """Wrap the entry points of one watched module (idempotent)."""
    via = module.__name__.split(".")[0]
    for attr, kind, index, name in _FUNCTIONS.get(module.__name__, ()):
        func = getattr(module, attr, None)
        if func is not None and not hasattr(func, _MARK):
            setattr(module, attr, _wrap_function(func, kind, index, name, via))
            _patched.append((module, attr, func))
    for cls_name, kind, index, name in _CLASSES.get(module.__name__, ()):
        cls = getattr(module, cls_name, None)
        init = getattr(cls, "__init__", None) if cls is not None else None
        if init is not None and not hasattr(init, _MARK):
            setattr(cls, "__init__", _wrap_init(init, kind, index, name, via))  # noqa: B010
            _patched.append((cls, "__init__", init))


class _PatchingLoader(importlib.abc.Loader):
    """Delegates to the real loader, then wraps the freshly executed module."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.inner.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        patch_module(module)


class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Sees only the watched module names; every other import costs one set lookup."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in WATCHED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader)
        return spec


_finder = _PostImportFinder()


def install() -> None:
    """Wrap the watched modules already imported and watch for later imports."""
    for name in WATCHED:
        module = sys.modules.get(name)
        if module is not None:
            patch_module(module)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Put every original entry point back and stop watching imports."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    while _patched:
        owner, attr, original = _patched.pop()
        setattr(owner, attr, original)

"""Wrappers for file readers and writers written in C/C++, which the audit hook cannot see.

pyarrow (Parquet, Feather, CSV, its native files), h5py and torch.save open files in native
code. Their public entry points are wrapped when those modules are imported (now, or later
through a small post-import finder), so pandas is covered too: it looks these names up on the
module at call time (``read_parquet`` calls ``pyarrow.parquet.read_table``, ``to_parquet``
opens its destination with ``pyarrow.OSFile(path, "wb")``).
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

# module -> [(attribute, "read"|"write"|"mode", positional index of the path, keyword name)];
# "mode": the call writes unless its ``mode`` (the argument after the path) is "r"/"rb".
_FUNCTIONS: dict[str, list[tuple[str, str, int, str]]] = {
    "pyarrow": [
        ("memory_map", "mode", 0, "path"),
        ("input_stream", "read", 0, "source"),
        ("output_stream", "write", 0, "source"),
    ],
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
    # torch.load reads through Python's open; torch.save hands a path to its C++ zip writer.
    "torch": [("save", "write", 1, "f")],
}
# module -> [(class, "read"|"write"|"mode", positional index after self, keyword name)]
_CLASSES: dict[str, list[tuple[str, str, int, str]]] = {
    "pyarrow": [("OSFile", "mode", 0, "path")],
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


def _writes(kind: str, args: Sequence[Any], kwargs: dict[str, Any], index: int) -> bool:
    if kind != "mode":
        return kind == "write"
    # The mode follows the path (h5py.File, pyarrow.OSFile, pyarrow.memory_map); "r" by default.
    mode = kwargs.get("mode", args[index + 1] if len(args) > index + 1 else "r")
    return mode not in (None, "r", "rb")


def _report(path: Any, write: bool, via: str) -> None:
    rec = capture.current()
    if rec is not None and rec.active and path is not None:
        rec.note(path, write=write, via=via)


def _wrap_function(func: Callable[..., Any], kind: str, index: int, name: str, via: str) -> Any:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _report(_path_arg(args, kwargs, index, name), _writes(kind, args, kwargs, index), via)
        return func(*args, **kwargs)

    setattr(wrapper, _MARK, func)
    return wrapper


def _wrap_init(init: Callable[..., Any], kind: str, index: int, name: str, via: str) -> Any:
    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        _report(_path_arg(args, kwargs, index, name), _writes(kind, args, kwargs, index), via)
        init(self, *args, **kwargs)

    setattr(wrapper, _MARK, init)
    return wrapper


class _SameInstances(type):
    """Metaclass of a stand-in subclass: objects of the original class still pass isinstance."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, getattr(cls, _MARK))

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, getattr(cls, _MARK))


def _stand_in(cls: type, kind: str, index: int, name: str, via: str) -> type:
    """A subclass reporting its construction, for native types whose __init__ cannot be set."""
    # The native type does its work in __new__/__cinit__ and keeps object.__init__, which would
    # refuse the arguments: only call an __init__ of its own.
    own: Any = getattr(cls, "__init__")  # noqa: B009 - mypy refuses cls.__init__ on a type
    init = own if own is not object.__init__ else None

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        _report(_path_arg(args, kwargs, index, name), _writes(kind, args, kwargs, index), via)
        if init is not None:
            init(self, *args, **kwargs)

    namespace = {"__init__": __init__, "__module__": cls.__module__, "__doc__": cls.__doc__}
    namespace[_MARK] = cls
    return _SameInstances(cls.__name__, (cls,), namespace)


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
        if cls is None or hasattr(cls, _MARK):
            continue
        init = getattr(cls, "__init__")  # noqa: B009 - mypy refuses cls.__init__ on a type
        if hasattr(init, _MARK):
            continue
        try:
            setattr(cls, "__init__", _wrap_init(init, kind, index, name, via))  # noqa: B010
            _patched.append((cls, "__init__", init))
        except TypeError:  # an immutable native type (pyarrow.OSFile): stand in for it
            try:
                stand_in = _stand_in(cls, kind, index, name, via)
            except TypeError:  # final, or a metaclass of its own: the source scan remains
                continue
            setattr(module, cls_name, stand_in)
            _patched.append((module, cls_name, cls))


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

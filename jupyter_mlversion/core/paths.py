"""Keep every path inside the project: the one place where user paths are checked."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .errors import InvalidNameError, PathOutsideProjectError
from .layout import META_DIR

__all__ = ["META_DIR", "to_relative", "validate_relative"]


def to_relative(root: Path, path: str | os.PathLike[str]) -> str:
    """The project-relative POSIX form of ``path``; refuses anything that escapes ``root``.

    Relative paths are taken relative to ``root``. Symlinks are resolved, so a
    link inside the project that points outside it is refused too.
    """
    text = os.fspath(path)
    if "\x00" in text:
        raise PathOutsideProjectError(f"path {text!r} contains a NUL byte")
    if not text.strip():
        raise PathOutsideProjectError("an empty path names no file; give a path inside the project")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(text).decode("utf-8", "backslashreplace")
        raise InvalidNameError(
            f"path '{shown}' is not valid UTF-8, which the history cannot store; rename it"
        ) from None
    candidate = Path(text)
    absolute = candidate if candidate.is_absolute() else root / candidate
    real_root = root.resolve()
    # Resolve symlinks of every existing component; a missing tail stays literal.
    resolved = Path(os.path.realpath(absolute))
    try:
        rel = resolved.relative_to(real_root)
    except ValueError:
        raise PathOutsideProjectError(
            f"{text} is outside the project {real_root}; "
            "only files inside the project folder can be versioned"
        ) from None
    rel_posix = PurePosixPath(*rel.parts).as_posix()
    if rel_posix == ".":
        return "."
    if rel.parts and rel.parts[0] == META_DIR:
        raise PathOutsideProjectError(
            f"{text} is inside {META_DIR}/, which holds the project's history and cannot be tracked"
        )
    return rel_posix


def validate_relative(rel: str) -> str:
    """Check a stored or client-supplied relative path without touching the disk."""
    if "\x00" in rel or not rel or rel.startswith("/") or "\\" in rel:
        raise PathOutsideProjectError(f"{rel!r} is not a project-relative path")
    parts = PurePosixPath(rel).parts
    if any(p in ("..", "") for p in parts) or (parts and parts[0] == META_DIR):
        raise PathOutsideProjectError(f"{rel!r} leaves the project or names {META_DIR}/")
    return PurePosixPath(rel).as_posix()

"""Path and name safety: every path a request names must stay inside a given root.

Pure functions raising the engine's typed errors, so they are tested without a server.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from jupyter_mlversion.core.errors import InvalidNameError, PathOutsideProjectError
from jupyter_mlversion.core.layout import META_DIR

MAX_NAME = 255
MAX_PATH = 4096
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Tags, aliases and model names: what git accepts as a ref component and reads back unchanged.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# References: snapshot ids, tags, HEAD~N, PATH@vN / PATH@alias / PATH@snapshot.
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/@~^ +-]{0,511}$")


def _check_text(value: str, what: str) -> None:
    if not value:
        raise PathOutsideProjectError(f"empty {what}; give a path relative to the project")
    if _CONTROL.search(value):
        raise PathOutsideProjectError(f"{what} {value!r} holds a control character or NUL byte")


def clean_relative(value: str, what: str = "path") -> PurePosixPath:
    """A relative POSIX path with no ``..``, no absolute start and no encoded traversal."""
    _check_text(value, what)
    # Tornado decoded the URL once; a second decoding reveals double-encoded tricks (%252e%252e).
    for candidate in (value, unquote(value)):
        _check_text(candidate, what)
        if "\\" in candidate:
            raise PathOutsideProjectError(f"{what} {value!r}: use '/' as the separator")
        if candidate.startswith("/") or _DRIVE.match(candidate):
            raise PathOutsideProjectError(
                f"{what} {value!r} is absolute; give it relative to the server's root folder"
            )
        if ".." in PurePosixPath(candidate).parts:
            raise PathOutsideProjectError(f"{what} {value!r} climbs out with '..'")
    parts = [p for p in PurePosixPath(value).parts if p != "."]
    # Refuse what the file system would refuse (ENAMETOOLONG) before touching it.
    if len(value.encode()) > MAX_PATH or any(len(p.encode()) > MAX_NAME for p in parts):
        raise PathOutsideProjectError(
            f"{what} {value[:60]!r}... is too long ({MAX_NAME} bytes per name, {MAX_PATH} in all)"
        )
    if not parts:
        return PurePosixPath(".")
    if META_DIR in parts:
        raise PathOutsideProjectError(f"{what} {value!r} points into {META_DIR}/, which is private")
    return PurePosixPath(*parts)


def resolve_inside(root: Path, value: str, what: str = "path") -> Path:
    """``root / value`` with symlinks resolved; PathOutsideProjectError when it escapes ``root``."""
    rel = clean_relative(value, what)
    base = root.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, or a name the OS refuses
        raise PathOutsideProjectError(f"{what} {value!r} cannot be resolved: {exc}") from None
    if target != base and not target.is_relative_to(base):
        raise PathOutsideProjectError(
            f"{what} {value!r} leads outside {base.name or base} (through a symlink?)"
        )
    return target


def check_name(value: str, what: str = "name") -> str:
    """A tag, alias or model name: letters, digits, ``. _ -``; starts with a letter or digit."""
    if not _NAME.match(value) or ".." in value or value.endswith((".lock", ".")):
        raise InvalidNameError(
            f"{what} {value!r} is not valid: use letters, digits, '.', '_' and '-' "
            "(up to 100, starting with a letter or digit, no '..', not ending in '.lock')"
        )
    return value


def check_ref(value: str, what: str = "reference") -> str:
    """A reference: id or prefix, tag, ``HEAD~N``, ``PATH@vN``; never an option or a range."""
    if not _REF.match(value) or ".." in value or "@{" in value:
        raise InvalidNameError(
            f"{what} {value!r} is not a valid reference: give a snapshot id, a tag, "
            "HEAD, HEAD~N or PATH@vN"
        )
    if "@" in value and not value.startswith("HEAD"):
        path = value.rsplit("@", 1)[0]
        if path:
            clean_relative(path, f"path in {what}")
    return value

"""Validation of names (tags, aliases, models, refs) and tracked paths before git sees them.

The rules follow ``git check-ref-format`` plus a few of our own, because a name that git
would read as an option, a revision range or a reflog selector must never reach a git
command line: ``-x``, ``a..b``, ``main@{1}``, ``HEAD~2``, ``a:b``.
"""

from __future__ import annotations

import re

from .errors import InvalidNameError

#: Kinds whose names are one component (no ``/``) and may not contain ``@``, because they
#: are typed after an ``@`` in references such as ``models/clf.pkl@best``.
_ONE_LEVEL = frozenset({"alias", "model"})
_MAX_NAME = 200
_BAD_CHARS = {
    " ": "a space",
    "~": "'~'",
    "^": "'^'",
    ":": "':'",
    "?": "'?'",
    "*": "'*'",
    "[": "'['",
    "\\": "a backslash",
}
_VERSION_LIKE = re.compile(r"v\d+")
HEX_RE = re.compile(r"[0-9a-f]{4,40}")
FULL_SHA_RE = re.compile(r"[0-9a-f]{40}")


def _fail(kind: str, name: str, part: str, rule: str) -> InvalidNameError:
    return InvalidNameError(
        f"invalid {kind} name {name!r}: {part} — {rule}; choose another name "
        "(letters, digits, '-', '_', '.' are always safe)"
    )


def validate_ref_name(kind: str, name: str) -> str:
    """Return ``name`` if git and our reference syntax read it unambiguously, else raise.

    ``kind`` is what the name is for (``tag``, ``alias``, ``model``, ``ref``) and only
    changes the message and the few kind-specific rules. Raises InvalidNameError naming the
    offending part and the rule it breaks.
    """
    if not isinstance(name, str) or not name:
        raise InvalidNameError(f"invalid {kind} name {name!r}: it is empty; give a name")
    if len(name) > _MAX_NAME:
        raise _fail(kind, name[:40] + "...", f"{len(name)} characters", f"at most {_MAX_NAME}")
    for ch in name:
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            raise _fail(kind, name, f"control character {ch!r}", "names may not hold one")
        if ch in _BAD_CHARS:
            raise _fail(kind, name, f"it contains {_BAD_CHARS[ch]}", "git reserves it")
    if name.startswith("-"):
        raise _fail(kind, name, "it starts with '-'", "git would read it as an option")
    if ".." in name:
        raise _fail(kind, name, "it contains '..'", "git reads it as a revision range")
    if "@{" in name:
        raise _fail(kind, name, "it contains '@{'", "git reads it as a reflog selector")
    if name == "@":
        raise _fail(kind, name, "it is '@'", "git reads '@' alone as HEAD")
    if name in ("HEAD", "head"):
        raise _fail(kind, name, "it is 'HEAD'", "HEAD already names the latest snapshot")
    if name.startswith("/") or name.endswith("/") or "//" in name:
        raise _fail(kind, name, "an empty '/' component", "components may not be empty")
    if name.endswith("."):
        raise _fail(kind, name, "it ends with '.'", "git forbids a trailing dot")
    for component in name.split("/"):
        if component.startswith("."):
            raise _fail(kind, name, f"component {component!r} starts with '.'", "git forbids it")
        if component.endswith(".lock"):
            raise _fail(kind, name, f"component {component!r} ends with '.lock'", "git forbids it")
    if kind in _ONE_LEVEL:
        if "/" in name:
            raise _fail(kind, name, "it contains '/'", f"a {kind} name is a single word")
        if "@" in name:
            raise _fail(kind, name, "it contains '@'", "'@' separates a path from a version")
    if kind == "alias" and _VERSION_LIKE.fullmatch(name):
        raise _fail(kind, name, "it looks like a version number", "'@vN' already names vN")
    return name


def validate_full_ref(ref: str) -> str:
    """Return ``ref`` if it is a full ref name under ``refs/`` with only valid components."""
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise InvalidNameError(f"invalid ref {ref!r}: it must start with 'refs/' and name a ref")
    validate_ref_name("ref", ref)
    if "@" in ref:
        raise InvalidNameError(f"invalid ref {ref!r}: '@' is not allowed in internal refs")
    return ref


def validate_path(path: str) -> str:
    """Return ``path`` if it is a clean relative POSIX path that git can store, else raise.

    Refused: empty, absolute, ``.``/``..``/empty components, a ``.git`` component (git
    refuses such trees), backslashes and control characters (``git cat-file --batch``
    reads one path per line).
    """
    if not isinstance(path, str) or not path:
        raise InvalidNameError("invalid path '': give a path relative to the project root")
    if path.startswith("/"):
        raise InvalidNameError(f"invalid path {path!r}: it is absolute; give it relative")
    if "\\" in path:
        raise InvalidNameError(f"invalid path {path!r}: use '/' rather than '\\' as separator")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        raise InvalidNameError(f"invalid path {path!r}: it holds a control character")
    for component in path.split("/"):
        if component in ("", ".", ".."):
            raise InvalidNameError(
                f"invalid path {path!r}: component {component!r} is not allowed; "
                "give a normalised relative path"
            )
        if component.lower() == ".git":
            raise InvalidNameError(f"invalid path {path!r}: git cannot store a '.git' entry")
    return path

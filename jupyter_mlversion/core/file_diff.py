"""One file between two references, in detail: the one place REST, the CLI and the magic ask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ReferenceNotFoundError
from .model import FileEntry

if TYPE_CHECKING:
    from .repository import Repository

#: Largest file (either side) diffed in detail by default; larger ones compare by size and id.
MAX_DIFF_BYTES = 256 << 20

_EMPTY_NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def diff_file(
    repo: Repository,
    path: str,
    old: str = "HEAD~1",
    new: str = "HEAD",
    *,
    outputs: bool = True,
    keys: Sequence[str] = (),
    max_bytes: int = MAX_DIFF_BYTES,
    working: bool = False,
) -> dict[str, Any]:
    """``{path, kind, status, old, new, old_entry, new_entry, detail, note}`` for one file.

    ``working``: the new side is the file on disk now (``new`` is then ``"working"``).

    ``detail`` is the notebook (nbdime format), table, model or plain-file diff of
    :func:`diffs.diff_files`, or None with a ``note`` saying why (unchanged, too large, added or
    removed). A notebook added or removed is diffed against an empty notebook.
    """
    rel = repo.relpath(path)
    old_id = repo.resolve(old)
    before = repo.files_at(old_id).get(rel)
    if working:
        new_id, after = "working", _on_disk(repo, rel, before)
    else:
        new_id = repo.resolve(new)
        after = repo.files_at(new_id).get(rel)
    some = after or before
    if some is None:
        raise ReferenceNotFoundError(
            f"{rel} is in neither {old} nor {new}; list a snapshot's files with "
            f"'mlversion show {new}' or the versions of this path with 'mlversion versions {rel}'"
        )
    answer: dict[str, Any] = {
        "path": rel,
        "kind": some.kind,
        "status": _status(before, after),
        "old": old_id,
        "new": new_id,
        "old_entry": before.to_dict() if before else None,
        "new_entry": after.to_dict() if after else None,
        "detail": None,
        "note": _no_detail(rel, before, after, some, max_bytes),
    }
    if answer["note"] is not None:
        return answer

    # The diff engines import numpy, pyarrow and nbdime: only when a diff is made, so that
    # opening a repository (every CLI command, every kernel) stays fast.
    from .diffs import diff_files

    def source(entry: FileEntry | None, snapshot: str) -> Iterable[bytes] | Path:
        # Only a notebook reaches here with a missing side: diff it against an empty one.
        if entry is None:
            return [_EMPTY_NOTEBOOK]
        if snapshot == "working":
            return repo.root / rel
        return repo.read_bytes(entry, snapshot)

    answer["detail"] = diff_files(
        some.kind,
        source(before, old_id),
        source(after, new_id),
        rel,
        include_outputs=outputs,
        keys=tuple(keys),
    )
    return answer


def _on_disk(repo: Repository, rel: str, before: FileEntry | None) -> FileEntry | None:
    """The file as it is on disk now (its id hashed from its bytes), None when absent."""
    import blake3

    path = repo.root / rel
    if not path.is_file():
        return None
    digest = blake3.blake3()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    kind = before.kind if before is not None else repo.config.kind_of(rel)
    return FileEntry(rel, digest.hexdigest(), path.stat().st_size, kind)


def _no_detail(
    rel: str, before: FileEntry | None, after: FileEntry | None, some: FileEntry, max_bytes: int
) -> str | None:
    """Why no detailed diff is made, or None when one is."""
    if before and after and before.id == after.id:
        return "unchanged"
    largest = max(e.size for e in (before, after) if e is not None)
    if largest > max_bytes:
        return (
            f"{rel} is larger than the detailed-diff limit ({max_bytes} bytes); only sizes and "
            "ids are compared (the server's MlversionServer.max_diff_bytes raises it)"
        )
    if (before is None or after is None) and some.kind != "notebook":
        return f"{rel} was {_status(before, after)}: nothing to compare it with"
    return None


def _status(before: FileEntry | None, after: FileEntry | None) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "unchanged" if before.id == after.id else "modified"

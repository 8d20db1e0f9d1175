"""Bring ``index.sqlite`` up to date with history, rebuilding it when it was deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import pointer
from .errors import ReferenceNotFoundError
from .index import Index, IndexedSnapshot

if TYPE_CHECKING:
    from .history import History

_SYNC_BATCH = 500  # commits read per git process when (re)building the index


def sync_index(index: Index, history: History, head: str | None) -> None:
    """Index every snapshot up to ``head`` that the index lacks (none: empty it)."""
    if index.head == head:
        return
    if head is None:
        index.reset()
        return
    start = index.head
    try:
        commits = history.rev_list(since=start)
    except ReferenceNotFoundError:  # the index describes another history: rebuild
        index.reset()
        commits = history.rev_list(since=None)
    infos = {c.sha: c for c in history.log(head, limit=len(commits))}
    previous = index.head_files()
    names = (pointer.SNAPSHOT_JSON, pointer.MANIFEST_JSON)
    for first in range(0, len(commits), _SYNC_BATCH):
        batch = commits[first : first + _SYNC_BATCH]
        blobs = history.read_many([(sha, name) for sha in batch for name in names])
        for n, sha in enumerate(batch):
            info = infos[sha]
            meta = pointer.parse_metadata(blobs[2 * n])
            state = pointer.parse_manifest(blobs[2 * n + 1])
            row = IndexedSnapshot(
                seq=0,
                id=sha,
                parents=tuple(info.parents),
                author=info.author,
                email=info.email,
                time=info.time,
                message=info.message,
                summary={"metrics": meta.get("metrics", {}), "params": meta.get("params", {})},
            )
            if not index.add_snapshot(row, state, previous, meta.get("lineage", [])):
                # Another process indexed this range meanwhile; start over from its head.
                sync_index(index, history, head)
                return
            previous = state

"""Bring ``index.sqlite`` up to date with history, rebuilding it when it was deleted.

Every branch's snapshots are indexed (versions, lineage and cell inputs span branches); the
index's head is the current branch's head, and its files are that snapshot's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import pointer
from .errors import ReferenceNotFoundError
from .index import Index, IndexedSnapshot
from .model import FileEntry

if TYPE_CHECKING:
    from .history import History

_SYNC_BATCH = 500  # commits read per git process when (re)building the index
_TIPS = "tips"  # index meta key: the branch heads whose history is fully indexed
_KEEP_STATES = 8  # states kept in memory to diff a child against its parent


def sync_index(index: Index, history: History, head: str | None) -> None:
    """Index every snapshot of every branch the index lacks; make ``head`` its head."""
    if index.head == head:
        return
    if head is None:
        index.reset()
        return
    known = [*(index.get_meta(_TIPS) or "").split(), *([index.head] if index.head else [])]
    try:
        commits = history.rev_list(since=sorted(set(known)))
    except ReferenceNotFoundError:  # the index describes another history: rebuild
        index.reset()
        commits = history.rev_list(since=None)
    states: dict[str, dict[str, FileEntry]] = {}

    def state_of(sha: str | None) -> dict[str, FileEntry]:
        if sha is None:
            return {}
        if sha not in states:
            raw = history.read_blob(sha, pointer.MANIFEST_JSON)
            states[sha] = pointer.parse_manifest(raw)
        return states[sha]

    names = (pointer.SNAPSHOT_JSON, pointer.MANIFEST_JSON)
    for first in range(0, len(commits), _SYNC_BATCH):
        batch = commits[first : first + _SYNC_BATCH]
        infos = {c.sha: c for c in history.commit_infos(batch)}
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
            previous = state_of(info.parents[0] if info.parents else None)
            index.add_snapshot(row, state, previous, meta.get("lineage", []), advance=False)
            states[sha] = state
            if len(states) > _KEEP_STATES:
                del states[next(iter(states))]
    index.set_head(head, state_of(head))
    index.set_meta(_TIPS, " ".join(sorted(set(history.branches().values()))))

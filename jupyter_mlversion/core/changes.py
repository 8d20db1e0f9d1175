"""The change log: one JSON line per working-tree change a restore made.

Restores, checkouts, branch switches and pulls all write files through the Restorer, which
appends a record here after each batch of writes (lock held). Anything that shows the files
(the Jupyter server's editors) tails ``.mlversion/changes.jsonl`` to learn what changed on disk,
whichever surface (CLI, magic, REST) made the change.

Each record has a ``seq`` that only grows, even if the file is deleted (it is at least the
current time in microseconds), so a reader that remembers the last ``seq`` it saw never misses
nor repeats a record. The file stays small: once it passes :data:`MAX_BYTES` it is rewritten
(atomically) with its newest records (at most :data:`KEEP`, within half that size); each
record lists at most :data:`MAX_PATHS` paths (``truncated`` says when there were more).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .layout import CHANGES_FILE

__all__ = ["CHANGES_FILE", "append_change", "last_seq", "note_change", "read_records"]
MAX_BYTES = 64 << 10
KEEP = 64
MAX_PATHS = 200


def read_records(path: Path, limit: int = MAX_BYTES * 4) -> list[dict[str, Any]]:
    """The whole records of the change log at ``path`` (a torn or foreign line is skipped)."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit)
    except FileNotFoundError:
        return []
    records = []
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("seq"), int):
            records.append(record)
    return records


def last_seq(path: Path) -> int:
    """The ``seq`` of the newest record (0 when there is none)."""
    return max((r["seq"] for r in read_records(path)), default=0)


def append_change(
    meta: Path, source: str, written: Sequence[str], deleted: Sequence[str]
) -> dict[str, Any] | None:
    """Record that ``written`` were written from snapshot ``source`` and ``deleted`` removed.

    The caller holds the project lock, so ``seq`` is assigned without a race.
    """
    if not written and not deleted:
        return None
    path = meta / CHANGES_FILE
    records = read_records(path)
    newest = max((r["seq"] for r in records), default=0)
    listed_written = list(written[:MAX_PATHS])
    listed_deleted = list(deleted[: max(0, MAX_PATHS - len(listed_written))])
    record = {
        "seq": max(newest + 1, time.time_ns() // 1000),
        "time": time.time(),
        "source": source,
        "written": listed_written,
        "deleted": listed_deleted,
        "truncated": len(listed_written) + len(listed_deleted) < len(written) + len(deleted),
    }
    line = json.dumps(record, sort_keys=True) + "\n"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if size + len(line) > MAX_BYTES:
        # Keep the newest records that fit in half the budget, so rewrites stay rare.
        kept: list[str] = []
        budget = MAX_BYTES // 2 - len(line)
        for old in reversed(records[-(KEEP - 1) :]):
            text = json.dumps(old, sort_keys=True) + "\n"
            budget -= len(text)
            if budget < 0:
                break
            kept.append(text)
        atomic_write(path, "".join([*reversed(kept), line]).encode("utf-8"))
    else:
        # One write of one whole line in append mode: a reader sees it whole or not at all.
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
    return record


def note_change(meta: Path, source: str, written: Sequence[str], deleted: Sequence[str]) -> None:
    """:func:`append_change` for the Restorer, after the files are written: a log that cannot
    be written (full disk, read-only folder) only means editors miss this change."""
    with contextlib.suppress(OSError):
        append_change(meta, source, written, deleted)

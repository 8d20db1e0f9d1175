"""Commit messages that explain themselves: spotting empty ones and drafting better ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .model import Change

VACUOUS = {
    "",
    "update",
    "updates",
    "updated",
    "change",
    "changes",
    "wip",
    "fix",
    "fixes",
    "misc",
    "stuff",
    "commit",
    "save",
    "snapshot",
    "test",
    "tmp",
    "temp",
    ".",
    "...",
}


def is_vacuous(message: str) -> bool:
    """True for messages that say nothing about what changed."""
    return message.strip().lower().rstrip(".!") in VACUOUS


def draft_message(
    changes: Sequence[Change],
    metrics: Mapping[str, float] | None = None,
    row_counts: Callable[[Change], tuple[int | None, int | None]] | None = None,
) -> str:
    """A one-line summary of the change: files by status, row deltas, metrics."""
    parts: list[str] = []
    for status, verb in (("modified", "Update"), ("added", "Add"), ("removed", "Remove")):
        paths = [c for c in changes if c.status == status]
        if not paths:
            continue
        names = []
        for change in paths[:3]:
            name = change.path
            if row_counts is not None and change.status == "modified":
                old, new = row_counts(change)
                if old is not None and new is not None and old != new:
                    name += f" ({new - old:+d} rows)"
            names.append(name)
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        parts.append(f"{verb} {', '.join(names)}{more}")
    if metrics:
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in sorted(metrics.items())[:3])
        parts.append(f"metrics {shown}")
    return "; ".join(parts) or "Record metrics and parameters"


def _fmt(value: float) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def count_lines(blocks: Iterable[bytes]) -> int:
    """Rows of a CSV/TSV/JSON-lines file streamed in blocks (header line included)."""
    total = 0
    last = b"\n"
    for block in blocks:
        if block:
            total += block.count(b"\n")
            last = block[-1:]
    return total + (0 if last == b"\n" else 1)

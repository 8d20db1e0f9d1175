"""Commit messages that explain themselves: spot empty ones and draft a better one."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

_VAGUE = re.compile(
    r"^(update[sd]?|changes?|wip|fix(es)?|stuff|misc|tmp|temp|test|save|commit|\.+|-+)?$",
    re.IGNORECASE,
)
_ROW_COUNT_LIMIT = 64 << 20  # count rows only for text tables small enough to scan quickly
_TEXT_TABLES = (".csv", ".tsv", ".jsonl", ".txt")


def is_vague(message: str) -> bool:
    """True for a message that says nothing: empty, "update", "changes", "wip"..."""
    return bool(_VAGUE.match(message.strip()))


def _rows(path: str) -> int | None:
    if not path.endswith(_TEXT_TABLES):
        return None
    try:
        if os.path.getsize(path) > _ROW_COUNT_LIMIT:
            return None
        with open(path, "rb") as src:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: src.read(1 << 20), b""))
    except OSError:
        return None


def suggest(
    changes: Sequence[Any],
    metrics: Mapping[str, float],
    root: str,
    previous_rows: Mapping[str, int] | None = None,
) -> str:
    """Draft a message from what changed: files (with row counts), then metrics."""
    parts = []
    for change in list(changes)[:4]:
        verb = {"added": "add", "removed": "remove", "modified": "update"}.get(
            change.status, "update"
        )
        text = f"{verb} {change.path}"
        rows = _rows(os.path.join(root, change.path)) if change.status != "removed" else None
        if rows is not None:
            text += f" ({rows} rows)"
        parts.append(text)
    if len(changes) > 4:
        parts.append(f"and {len(changes) - 4} more files")
    if metrics:
        shown = ", ".join(f"{k}={v:.4g}" for k, v in sorted(metrics.items())[:3])
        parts.append(shown)
    if not parts:
        return "Snapshot with no file changes"
    first = "; ".join(parts)
    return first[0].upper() + first[1:]

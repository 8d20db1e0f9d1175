"""Metric and parameter diffs: before, after and the numeric delta."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import ValueDelta

VALUES_DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "metric or param diff",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "old", "new", "delta", "status"],
        "properties": {
            "name": {"type": "string"},
            "delta": {"type": ["number", "null"]},
            "status": {"enum": ["added", "removed", "changed", "unchanged"]},
        },
    },
}


def value_deltas(
    old: Mapping[str, Any], new: Mapping[str, Any], *, include_unchanged: bool = False
) -> list[ValueDelta]:
    """A ValueDelta per name present on either side, sorted by name."""
    names = sorted(set(old) | set(new))
    deltas = [ValueDelta(name, old.get(name), new.get(name)) for name in names]
    if include_unchanged:
        return deltas
    return [d for d in deltas if _status(d, old, new) != "unchanged"]


def diff_values(
    old: Mapping[str, Any], new: Mapping[str, Any], *, include_unchanged: bool = False
) -> list[dict[str, Any]]:
    """JSON-able rows ``{name, old, new, delta, status}`` for metrics or params."""
    return [
        {**d.to_dict(), "status": _status(d, old, new)}
        for d in value_deltas(old, new, include_unchanged=include_unchanged)
    ]


def _status(delta: ValueDelta, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if delta.name not in old:
        return "added"
    if delta.name not in new:
        return "removed"
    return "unchanged" if delta.old == delta.new else "changed"

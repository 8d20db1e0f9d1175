"""Streaming diffs of tables: CSV, TSV, Parquet, Feather/Arrow IPC and JSON lines.

Memory bound: each file is read in record batches (a few MB each). Every row is reduced to an
8-byte hash of its content and, when key columns are given, an 8-byte hash of its key, so the
diff keeps 16 bytes per row per file (8 without keys) plus about as much again while sorting:
about 0.5 GB for two files of ten million rows each, whatever their width. Column statistics use
fixed-size sketches. Each file is read twice: once to hash, once to fetch the sample rows.

Rows compare on the columns both versions share (in name order); a column whose type changed
compares as text. Without keys, rows match by content (a changed row is one removed and one
added); with keys, a key present in both versions whose rows differ is a changed row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import MlversionError
from ._source import Source, local_path
from .table_io import SchemaDrift, iter_batches, json_value, row_hashes, schema_of, table_format
from .table_stats import ColumnStats

SAMPLE_ROWS = 20

_STATS_ITEM = {"type": "object", "required": ["name", "type", "count", "nulls"]}
_ROWS = {"type": "array", "items": {"type": "object"}, "maxItems": SAMPLE_ROWS}
TABLE_DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "table diff",
    "type": "object",
    "required": ["kind", "name", "format", "keys", "schema", "rows", "columns", "samples"],
    "properties": {
        "kind": {"const": "table"},
        "name": {"type": "string"},
        "format": {"enum": sorted({"csv", "tsv", "parquet", "feather", "jsonl"})},
        "keys": {"type": "array", "items": {"type": "string"}},
        "schema": {
            "type": "object",
            "required": ["old", "new", "added", "removed", "type_changed"],
            "properties": {
                "old": {"type": "array", "items": {"$ref": "#/$defs/field"}},
                "new": {"type": "array", "items": {"$ref": "#/$defs/field"}},
                "added": {"type": "array", "items": {"type": "string"}},
                "removed": {"type": "array", "items": {"type": "string"}},
                "type_changed": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "old", "new"],
                        "properties": {k: {"type": "string"} for k in ("name", "old", "new")},
                    },
                },
            },
        },
        "rows": {
            "type": "object",
            "required": ["old", "new", "added", "removed", "changed", "unchanged"],
            "properties": {
                k: {"type": "integer", "minimum": 0}
                for k in ("old", "new", "added", "removed", "changed", "unchanged")
            }
            | {"duplicate_keys": {"type": "object"}},
        },
        "columns": {
            "type": "object",
            "required": ["old", "new"],
            "properties": {
                "old": {"type": "array", "items": _STATS_ITEM},
                "new": {"type": "array", "items": _STATS_ITEM},
            },
        },
        "samples": {
            "type": "object",
            "required": ["added", "removed", "changed"],
            "properties": {
                "added": _ROWS,
                "removed": _ROWS,
                "changed": {
                    "type": "array",
                    "maxItems": SAMPLE_ROWS,
                    "items": {
                        "type": "object",
                        "required": ["key", "old", "new", "changed_columns"],
                    },
                },
            },
        },
    },
    "$defs": {
        "field": {
            "type": "object",
            "required": ["name", "type"],
            "properties": {"name": {"type": "string"}, "type": {"type": "string"}},
        }
    },
}


class UnknownKeyColumnError(MlversionError):
    """A key column that one version of the table lacks."""


@dataclass
class _Side:
    """One version of the table while it is being diffed."""

    path: Path
    fmt: str
    name: str
    as_text: bool = False  # CSV read with every column as text after late type drift
    schema: pa.Schema = field(default_factory=lambda: pa.schema([]))
    rows: int = 0
    stats: list[ColumnStats] = field(default_factory=list)
    key_hashes: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    row_hashes: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))

    def batches(self) -> Any:
        return iter_batches(self.path, self.fmt, self.name, as_text=self.as_text)


def diff_table_files(
    old: Source, new: Source, *, name: str, keys: Sequence[str] = (), sample: int = SAMPLE_ROWS
) -> dict[str, Any]:
    """Diff two versions of a table given as paths, binary streams or iterables of bytes."""
    fmt = table_format(name)
    with local_path(old, name) as old_path, local_path(new, name) as new_path:
        a = _Side(old_path, fmt, f"{name} (old)")
        b = _Side(new_path, fmt, f"{name} (new)")
        a.schema = schema_of(a.path, fmt, a.name)
        b.schema = schema_of(b.path, fmt, b.name)
        _check_keys(keys, a, b, name)
        compare, as_text = _compare_columns(a.schema, b.schema)
        for side in (a, b):
            _scan(side, compare, as_text, keys)
        if a.as_text != b.as_text:
            # One side fell back to text columns: compare both as text so equal rows stay equal.
            as_text = set(compare)
            for side in (a, b):
                side.as_text = True
                _scan(side, compare, as_text, keys)
        result = _compare(a, b, keys=keys, compare=compare, sample=sample)
    result["name"] = name
    result["format"] = fmt
    return result


def _check_keys(keys: Sequence[str], a: _Side, b: _Side, name: str) -> None:
    for side in (a, b):
        missing = [k for k in keys if k not in side.schema.names]
        if missing:
            raise UnknownKeyColumnError(
                f"key column(s) {', '.join(missing)} not in {side.name}; its columns are "
                f"{', '.join(side.schema.names)}; pick keys that both versions of {name} have"
            )


def _compare_columns(old: pa.Schema, new: pa.Schema) -> tuple[list[str], set[str]]:
    common = sorted(set(old.names) & set(new.names))
    as_text = {c for c in common if old.field(c).type != new.field(c).type}
    return common, as_text


def _scan(side: _Side, compare: list[str], as_text: set[str], keys: Sequence[str]) -> None:
    """Pass 1: row and key hashes, row count, column statistics."""
    try:
        _scan_once(side, compare, as_text, keys)
    except SchemaDrift:
        side.as_text = True
        _scan_once(side, compare, set(compare), keys)


def _scan_once(side: _Side, compare: list[str], as_text: set[str], keys: Sequence[str]) -> None:
    # Statistics follow the types actually read (all text after a CSV type drift).
    stats: list[ColumnStats] = []
    key_parts: list[np.ndarray] = []
    row_parts: list[np.ndarray] = []
    rows = 0
    for batch in side.batches():
        if not stats:
            stats = [ColumnStats(f.name, f.type) for f in batch.schema]
        rows += batch.num_rows
        for stat in stats:
            stat.update(batch.column(stat.name))
        row_parts.append(row_hashes(batch, compare, as_text))
        if keys:
            key_parts.append(row_hashes(batch, list(keys), as_text))
    side.rows, side.stats = rows, stats
    side.row_hashes = np.concatenate(row_parts) if row_parts else np.empty(0, np.uint64)
    side.key_hashes = np.concatenate(key_parts) if key_parts else np.empty(0, np.uint64)


def _group(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique keys, the wrapping sum of their rows' hashes (order-free) and their row counts."""
    if not len(keys):
        empty = np.empty(0, np.uint64)
        return empty, empty, np.empty(0, np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sums = np.add.reduceat(rows[order], starts)
    counts = np.diff(np.r_[starts, len(keys)])
    return sorted_keys[starts], sums, counts


def _compare(
    a: _Side,
    b: _Side,
    *,
    keys: Sequence[str],
    compare: list[str],
    sample: int,
) -> dict[str, Any]:
    if keys:
        old_k, old_sum, old_n = _group(a.key_hashes, a.row_hashes)
        new_k, new_sum, new_n = _group(b.key_hashes, b.row_hashes)
        both, ia, ib = np.intersect1d(old_k, new_k, assume_unique=True, return_indices=True)
        changed_keys = both[old_sum[ia] != new_sum[ib]]
        removed_keys = np.setdiff1d(old_k, new_k, assume_unique=True)
        added_keys = np.setdiff1d(new_k, old_k, assume_unique=True)
        removed = int(old_n[np.isin(old_k, removed_keys)].sum())
        added = int(new_n[np.isin(new_k, added_keys)].sum())
        changed = len(changed_keys)
        duplicates = {"old": int((old_n > 1).sum()), "new": int((new_n > 1).sum())}
    else:
        removed_surplus, removed = _excess(a.row_hashes, b.row_hashes)
        added_surplus, added = _excess(b.row_hashes, a.row_hashes)
        changed_keys = np.empty(0, np.uint64)
        changed, duplicates = 0, {}
    rows: dict[str, Any] = {
        "old": a.rows,
        "new": b.rows,
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged": max(a.rows - removed - changed, 0),
    }
    if keys:
        rows["duplicate_keys"] = duplicates
    if keys:
        selected = _first(np.isin(b.key_hashes, added_keys), sample)
        removed_rows = _first(np.isin(a.key_hashes, removed_keys), sample)
    else:
        selected = _first_surplus(b.row_hashes, added_surplus, sample)
        removed_rows = _first_surplus(a.row_hashes, removed_surplus, sample)
    changed_new_rows = _first(np.isin(b.key_hashes, changed_keys), sample) if keys else []
    chosen_keys = b.key_hashes[changed_new_rows] if keys else np.empty(0, np.uint64)
    # Duplicated keys may match several old rows; a few per key are enough for the sample.
    changed_old_rows = _first(np.isin(a.key_hashes, chosen_keys), 4 * sample) if keys else []
    old_key_of = {int(i): int(a.key_hashes[i]) for i in changed_old_rows}
    # Free the per-row arrays before the sampling pass reads the files again.
    for side in (a, b):
        side.row_hashes = side.key_hashes = np.empty(0, np.uint64)
    new_rows = _fetch(b, sorted({*selected, *changed_new_rows}))
    old_rows = _fetch(a, sorted({*removed_rows, *changed_old_rows}))
    old_by_key: dict[int, dict[str, Any]] = {}
    for index in changed_old_rows:
        old_by_key.setdefault(old_key_of[int(index)], old_rows[int(index)])
    changed_samples = []
    for index, key in zip(changed_new_rows, chosen_keys, strict=True):
        new_row, old_row = new_rows[int(index)], old_by_key.get(int(key), {})
        changed_samples.append(
            {
                "key": {k: new_row.get(k) for k in keys},
                "old": old_row,
                "new": new_row,
                "changed_columns": [c for c in compare if old_row.get(c) != new_row.get(c)],
            }
        )
    return {
        "kind": "table",
        "keys": list(keys),
        "schema": _schema_diff(a.schema, b.schema),
        "rows": rows,
        "columns": {"old": [s.to_dict() for s in a.stats], "new": [s.to_dict() for s in b.stats]},
        "samples": {
            "added": [new_rows[int(i)] for i in selected],
            "removed": [old_rows[int(i)] for i in removed_rows],
            "changed": changed_samples,
        },
    }


def _excess(mine: np.ndarray, theirs: np.ndarray) -> tuple[dict[int, int], int]:
    """Hashes found more often in ``mine`` than in ``theirs`` (with the surplus) and its total."""
    values, counts = np.unique(mine, return_counts=True)
    other, other_counts = np.unique(theirs, return_counts=True)
    _, im, io = np.intersect1d(values, other, assume_unique=True, return_indices=True)
    counts[im] -= np.minimum(counts[im], other_counts[io])
    surplus = counts > 0
    return dict(zip(values[surplus].tolist(), counts[surplus].tolist(), strict=True)), int(
        counts.sum()
    )


def _first(mask: np.ndarray, limit: int) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)[:limit]]


def _first_surplus(hashes: np.ndarray, surplus: dict[int, int], limit: int) -> list[int]:
    """Up to ``limit`` rows whose hash has surplus left (duplicates are not overcounted)."""
    left = dict(surplus)
    picked: list[int] = []
    wanted = np.fromiter(surplus, dtype=np.uint64, count=len(surplus))
    for index in np.flatnonzero(np.isin(hashes, wanted)):
        value = int(hashes[index])
        if left[value]:
            left[value] -= 1
            picked.append(int(index))
            if len(picked) == limit:
                break
    return picked


def _fetch(side: _Side, indices: list[int]) -> dict[int, dict[str, Any]]:
    """Pass 2: the rows at ``indices`` (sorted) as JSON-able dicts."""
    wanted = iter(indices)
    target = next(wanted, None)
    found: dict[int, dict[str, Any]] = {}
    offset = 0
    if target is None:
        return found
    for batch in side.batches():
        end = offset + batch.num_rows
        while target is not None and target < end:
            row = batch.slice(target - offset, 1).to_pylist()[0]
            found[target] = {k: json_value(v) for k, v in row.items()}
            target = next(wanted, None)
        if target is None:
            break
        offset = end
    return found


def _schema_diff(old: pa.Schema, new: pa.Schema) -> dict[str, Any]:
    common = [n for n in new.names if n in old.names]
    return {
        "old": [{"name": f.name, "type": str(f.type)} for f in old],
        "new": [{"name": f.name, "type": str(f.type)} for f in new],
        "added": [n for n in new.names if n not in old.names],
        "removed": [n for n in old.names if n not in new.names],
        "type_changed": [
            {"name": n, "old": str(old.field(n).type), "new": str(new.field(n).type)}
            for n in common
            if old.field(n).type != new.field(n).type
        ],
    }

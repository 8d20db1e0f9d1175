"""Per-column statistics gathered batch by batch in bounded memory."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .table_io import column_hash, json_value

_SKETCH = 1024  # k of the k-minimum-values distinct sketch (about 3% error)
_TOP_KEEP = 2048  # candidate values kept for top values; pruned beyond twice that
_TOP_SHOW = 5


class ColumnStats:
    """Count, nulls, and min/max/mean (numbers, dates) or distinct/top values (text) of a column.

    Memory is fixed per column: a sketch of at most ``_SKETCH`` hashes and at most
    ``2 * _TOP_KEEP`` candidate values, whatever the number of rows.
    """

    def __init__(self, name: str, type_: pa.DataType) -> None:
        self.name = name
        self.type = type_
        self.count = 0
        self.nulls = 0
        self.minimum: Any = None
        self.maximum: Any = None
        self.total = 0.0
        self.sketch = np.empty(0, dtype=np.uint64)
        self.top: Counter[Any] = Counter()
        self.top_pruned = False

    @property
    def numeric(self) -> bool:
        kind = self.type
        return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)

    @property
    def ordered(self) -> bool:
        return self.numeric or pa.types.is_temporal(self.type)

    @property
    def textual(self) -> bool:
        kind = self.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        return (
            pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind)
        )

    def update(self, array: pa.Array) -> None:
        """Fold one batch's values of this column into the statistics."""
        self.nulls += array.null_count
        valid = len(array) - array.null_count
        self.count += valid
        if not valid:
            return
        if self.ordered:
            bounds = pc.min_max(array)
            low, high = bounds["min"].as_py(), bounds["max"].as_py()
            self.minimum = low if self.minimum is None else min(self.minimum, low)
            self.maximum = high if self.maximum is None else max(self.maximum, high)
        if self.numeric:
            self.total += float(pc.sum(pc.cast(array, pa.float64())).as_py() or 0.0)
        if self.textual:
            self._update_distinct(array)
            self._update_top(array)

    def _update_distinct(self, array: pa.Array) -> None:
        hashes = column_hash(array.drop_null())
        if len(self.sketch) == _SKETCH:
            # Only hashes below the current k-th smallest can enter the sketch.
            hashes = hashes[hashes < self.sketch[-1]]
        merged = np.sort(np.concatenate([self.sketch, hashes]))
        if len(merged):
            merged = merged[np.r_[True, merged[1:] != merged[:-1]]]
        self.sketch = merged[:_SKETCH]

    def _update_top(self, array: pa.Array) -> None:
        counts = pc.value_counts(array.drop_null())
        tally = counts.field("counts").to_numpy()
        if len(tally) > _TOP_KEEP:
            # A batch of mostly distinct values: only its most frequent ones can matter.
            chosen = np.argpartition(-tally, _TOP_KEEP)[:_TOP_KEEP]
            counts = counts.take(pa.array(chosen))
            self.top_pruned = True
        values = counts.field("values").to_pylist()
        self.top.update(dict(zip(values, counts.field("counts").to_pylist(), strict=True)))
        if len(self.top) > 2 * _TOP_KEEP:
            # Space-saving style pruning: rare values may be undercounted, frequent ones survive.
            self.top = Counter(dict(self.top.most_common(_TOP_KEEP)))
            self.top_pruned = True

    def distinct_estimate(self) -> int:
        """Exact below the sketch size, else the k-minimum-values estimate."""
        if len(self.sketch) < _SKETCH:
            return len(self.sketch)
        kth = float(self.sketch[-1]) / 2.0**64
        return round((_SKETCH - 1) / kth)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "type": str(self.type),
            "count": self.count,
            "nulls": self.nulls,
        }
        if self.ordered:
            data["min"] = json_value(self.minimum)
            data["max"] = json_value(self.maximum)
        if self.numeric:
            data["mean"] = json_value(self.total / self.count) if self.count else None
        if self.textual:
            data["distinct"] = self.distinct_estimate()
            data["distinct_exact"] = len(self.sketch) < _SKETCH
            data["top_values"] = [
                {"value": json_value(value), "count": count}
                for value, count in self.top.most_common(_TOP_SHOW)
            ]
            data["top_exact"] = not self.top_pruned
        return data

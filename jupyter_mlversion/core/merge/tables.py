"""Tables changed on both sides (CSV, TSV, Parquet, JSON lines): a row merge on key columns.

Rows are matched on the key (given, or the first column unique and non-null on all sides).
Rows added on either side and rows changed on only one side merge cleanly; the same row
changed differently on both sides is a conflict, as is a schema change on both sides. A table
without a usable key is a conflict of the whole file. CSV and TSV values are compared and
written as the text they are, so a clean merge changes no number's spelling.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".jsonl": "jsonl"}
_SHOWN = 50  # conflicting rows listed in full


def table_format(path: str) -> str | None:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl`` for a mergeable table, else None."""
    return FORMATS.get(PurePosixPath(path).suffix.lower())


@dataclass(frozen=True)
class TableMerge:
    content: bytes | None  # the merged table (None when it conflicts)
    key: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]  # conflicting rows: key, base, ours, theirs
    detail: str  # what merged or why it conflicts
    conflict: bool


def _read(data: bytes, fmt: str) -> Any:
    import pandas as pd

    buf = io.BytesIO(data)
    if fmt in ("csv", "tsv"):
        sep = "\t" if fmt == "tsv" else ","
        return pd.read_csv(buf, sep=sep, dtype=str, keep_default_na=False)
    if fmt == "parquet":
        return pd.read_parquet(buf)
    return pd.read_json(buf, lines=True, dtype=False)


def _write(frame: Any, fmt: str, like: Any) -> bytes:
    buf = io.BytesIO()
    if fmt in ("csv", "tsv"):
        text = frame.to_csv(index=False, sep="\t" if fmt == "tsv" else ",", lineterminator="\n")
        return text.encode("utf-8")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.Schema.from_pandas(like, preserve_index=False)
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        pq.write_table(table, buf)
        return buf.getvalue()
    return frame.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8")


def _plain(value: Any) -> Any:
    """A value comparable across sides and printable as JSON (NaN and NA as None)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


def _usable(frame: Any, key: Sequence[str]) -> bool:
    if any(col not in frame.columns for col in key):
        return False
    part = frame[list(key)]
    return not part.isna().any().any() and not part.duplicated().any()


def find_key(frames: Sequence[Any], given: Sequence[str]) -> tuple[str, ...] | None:
    """The key columns: ``given`` when usable on every side, else the first unique column."""
    if given:
        return tuple(given) if all(_usable(f, given) for f in frames) else None
    for col in frames[0].columns:
        if all(_usable(f, [col]) for f in frames):
            return (col,)
    return None


def _rows(frame: Any, key: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    out = {}
    for record in frame.to_dict(orient="records"):
        row = {k: _plain(v) for k, v in record.items()}
        out[tuple(row[k] for k in key)] = row
    return out


def merge_table(
    base: bytes | None, ours: bytes, theirs: bytes, path: str, keys: Sequence[str] = ()
) -> TableMerge:
    """Merge two versions of table ``path`` from ``base`` (None: added on both sides)."""
    fmt = table_format(path) or "csv"
    o, t = _read(ours, fmt), _read(theirs, fmt)
    b = _read(base, fmt) if base is not None else o.iloc[0:0]
    cols_b, cols_o, cols_t = list(b.columns), list(o.columns), list(t.columns)
    if len({tuple(cols_b), tuple(cols_o), tuple(cols_t)}) == 3:
        return TableMerge(None, (), (), "the columns changed on both sides", True)
    key = find_key([b, o, t], keys)
    if key is None:
        wanted = f"key column(s) {', '.join(keys)} are" if keys else "no column is"
        return TableMerge(
            None, (), (), f"{wanted} unique and non-null on every side; give --key COL", True
        )
    columns, like = (cols_t, t) if cols_o == cols_b and cols_t != cols_b else (cols_o, o)
    common = [c for c in cols_b if c in cols_o and c in cols_t] if base is not None else None
    rb, ro, rt = _rows(b, key), _rows(o, key), _rows(t, key)

    def seen(row: dict[str, Any] | None) -> Any:
        if row is None:
            return None
        return tuple(row.get(c) for c in (common if common is not None else sorted(row)))

    merged: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    order = list(ro) + [k for k in rt if k not in ro]
    for k in order:
        vb, vo, vt = rb.get(k), ro.get(k), rt.get(k)
        if seen(vo) == seen(vt):
            row = vo if columns is cols_o else vt
        elif seen(vo) == seen(vb):
            row = vt
        elif seen(vt) == seen(vb):
            row = vo
        else:
            conflicts.append({"key": dict(zip(key, k, strict=True)), "base": vb, "ours": vo,
                              "theirs": vt})  # fmt: skip
            continue
        if row is not None:
            other = vo if row is vt else vt
            merged.append({c: row.get(c, (other or {}).get(c)) for c in columns})
    if conflicts:
        detail = f"{len(conflicts)} row(s) changed on both sides"
        return TableMerge(None, key, tuple(conflicts[:_SHOWN]), detail, True)
    import pandas as pd

    frame = pd.DataFrame(merged, columns=columns)
    if fmt == "parquet":
        frame = frame.astype(like.dtypes.to_dict(), errors="ignore")
    detail = f"rows merged on key {', '.join(key)}"
    return TableMerge(_write(frame, fmt, like), key, (), detail, False)

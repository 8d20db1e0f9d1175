"""Reading tables in record batches and hashing their rows, for streaming table diffs.

Every format is read batch by batch with pyarrow, so memory depends on the batch size, not on
the file's size. Rows are reduced to 8-byte hashes computed from a type-stable encoding of each
column (a batch with nulls hashes like one without), so equal rows hash equally across files.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.ipc as pa_ipc
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from ..errors import UnreadableFileError
from ._source import UnsupportedFormatError

TABLE_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

_BLOCK = 4 << 20  # bytes per CSV / JSON block; bounds memory per batch
_PARQUET_ROWS = 65_536
_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0x100000001B3)


def table_format(name: str) -> str:
    """The table format of ``name`` from its extension, or UnsupportedFormatError."""
    suffix = Path(name).suffix.lower()
    try:
        return TABLE_FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(TABLE_FORMATS))
        raise UnsupportedFormatError(
            f"cannot diff {name} as a table: unknown extension '{suffix}' (supported: {known}); "
            "rename the file or diff it as a plain file"
        ) from None


class SchemaDrift(Exception):
    """A CSV column whose type, inferred from the first block, fails on a later block."""


def schema_of(path: Path, fmt: str, name: str, *, as_text: bool = False) -> pa.Schema:
    """The schema of a table file, reading at most its first block."""
    if fmt == "parquet":
        return _guard(name, lambda: pq.ParquetFile(path).schema_arrow)
    if fmt == "feather":
        return _guard(name, lambda: _open_ipc(path).schema)
    return _guard(name, lambda: _open_text(path, fmt, as_text=as_text).schema)


def iter_batches(
    path: Path, fmt: str, name: str, *, as_text: bool = False
) -> Iterator[pa.RecordBatch]:
    """Yield the record batches of a table file; SchemaDrift when CSV type inference fails late."""
    if fmt == "parquet":
        reader = _guard(name, lambda: pq.ParquetFile(path))
        yield from _guarded_iter(name, reader.iter_batches(batch_size=_PARQUET_ROWS))
    elif fmt == "feather":
        ipc = _guard(name, lambda: _open_ipc(path))
        if isinstance(ipc, pa_ipc.RecordBatchFileReader):
            for i in range(ipc.num_record_batches):
                yield _guard(name, lambda i=i: ipc.get_batch(i))
        else:
            yield from _guarded_iter(name, ipc)
    else:
        reader = _guard(name, lambda: _open_text(path, fmt, as_text=as_text))
        try:
            yield from reader
        except pa.ArrowInvalid as exc:
            if fmt in ("csv", "tsv") and "conversion error" in str(exc):
                raise SchemaDrift(str(exc)) from exc
            raise _unreadable(name, exc) from exc


def _open_ipc(path: Path) -> Any:
    try:
        return pa_ipc.open_file(pa.memory_map(str(path)))
    except pa.ArrowInvalid:
        # Arrow IPC stream format (no footer) rather than the Feather v2 file format.
        return pa_ipc.open_stream(pa.memory_map(str(path)))


def _open_text(path: Path, fmt: str, *, as_text: bool) -> Any:
    if fmt == "jsonl":
        return pa_json.open_json(path, read_options=pa_json.ReadOptions(block_size=_BLOCK))
    parse = pa_csv.ParseOptions(delimiter="\t" if fmt == "tsv" else ",")
    read = pa_csv.ReadOptions(block_size=_BLOCK)
    convert = pa_csv.ConvertOptions()
    if as_text:
        names = pa_csv.open_csv(path, read_options=read, parse_options=parse).schema.names
        convert = pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    return pa_csv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)


def _guard(name: str, action: Any) -> Any:
    try:
        return action()
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(name, exc) from exc


def _guarded_iter(name: str, batches: Any) -> Iterator[pa.RecordBatch]:
    try:
        yield from batches
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(name, exc) from exc


def _unreadable(name: str, exc: BaseException) -> UnreadableFileError:
    return UnreadableFileError(
        f"cannot read {name} as a table ({exc}); check that its extension matches its format"
    )


def row_hashes(batch: pa.RecordBatch, columns: Sequence[str], as_text: set[str]) -> np.ndarray:
    """One uint64 per row over ``columns`` (in that order); ``as_text`` columns compare as text."""
    acc = np.zeros(batch.num_rows, dtype=np.uint64)
    for name in columns:
        column = batch.column(name)
        if name in as_text:
            column = _as_text(column)
        acc = acc * _MIX + column_hash(column)
    return acc


def column_hash(array: pa.Array) -> np.ndarray:
    """uint64 hash of each value of ``array``, independent of its batch and of nulls elsewhere."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    kind = array.type
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = pc.fill_null(array, False if pa.types.is_boolean(kind) else 0)
        hashed = pd.util.hash_array(values.to_numpy(zero_copy_only=False), categorize=False)
    elif pa.types.is_temporal(kind):
        width = pa.int32() if kind.bit_width == 32 else pa.int64()
        hashed = column_hash(array.view(width))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind):
        empty = "" if pa.types.is_string(kind) or pa.types.is_large_string(kind) else b""
        objects = pc.fill_null(array, empty).to_numpy(zero_copy_only=False)
        hashed = pd.util.hash_array(objects, categorize=False)
    else:
        # Nested, decimal and other types: hash their text form (slower, rare in data files).
        hashed = column_hash(_as_text(array))
    if array.null_count:
        hashed = np.where(array.is_valid().to_numpy(zero_copy_only=False), hashed, _NULL_HASH)
    return np.asarray(hashed, dtype=np.uint64)


def _as_text(array: pa.Array) -> pa.Array:
    if pa.types.is_string(array.type):
        return array
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([None if v is None else repr(v) for v in array.to_pylist()], pa.string())


def json_value(value: Any) -> Any:
    """A cell value as JSON-able data (dates as ISO text, NaN as text, bytes as a size)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)

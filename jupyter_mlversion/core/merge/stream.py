"""The row merge of CSV, TSV and JSON lines, streamed: memory stays bounded whatever the size.

Each version is read in chunks of rows (pandas ``chunksize``) into one sqlite file in a scratch
folder: per row its key, its position, a hash of the values compared and the row as JSON.
The merge is then two ordered joins over that file (ours' rows in their order, then the rows
only theirs has, in theirs' order), and the merged table is written to a file chunk by chunk.
The rules are those of :mod:`.tables` (which still merges Parquet in memory).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .tables import _SHOWN, TableMerge, _plain

CHUNK = 20_000  # rows read, or written, at a time
_SIDES = ("b", "o", "t")


class _NoKey(Exception):
    """The key is not unique and non-null on some side."""


def _sep(fmt: str) -> str:
    return "\t" if fmt == "tsv" else ","


def _chunks(path: Path | None, fmt: str, columns: list[str]) -> Iterator[Any]:
    import pandas as pd

    if path is None:
        return
    reader: Any
    if fmt in ("csv", "tsv"):
        reader = pd.read_csv(path, sep=_sep(fmt), dtype=str, keep_default_na=False,
                             chunksize=CHUNK)  # fmt: skip
    else:
        reader = pd.read_json(path, lines=True, dtype=False, chunksize=CHUNK)
    with reader:
        for chunk in reader:
            yield chunk if list(chunk.columns) == list(columns) else chunk.reindex(columns=columns)


def _columns(path: Path, fmt: str) -> list[str]:
    import pandas as pd

    if fmt in ("csv", "tsv"):
        return [str(c) for c in pd.read_csv(path, sep=_sep(fmt), dtype=str, nrows=0).columns]
    seen: dict[str, None] = {}
    with pd.read_json(path, lines=True, dtype=False, chunksize=CHUNK) as reader:
        for chunk in reader:
            seen.update(dict.fromkeys(str(c) for c in chunk.columns))
    return list(seen)


def _load(
    db: sqlite3.Connection,
    side: str,
    path: Path | None,
    fmt: str,
    key: tuple[str, ...],
    columns: list[str],
    compared: list[str] | None,
) -> None:
    """Table ``side`` of ``db`` from the rows of ``path``; _NoKey when the key is not usable."""
    import numpy as np
    import pandas as pd

    db.execute(f"DROP TABLE IF EXISTS {side}")
    db.execute(f"CREATE TABLE {side}(pos INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, "
               "h INTEGER NOT NULL, row TEXT NOT NULL)")  # fmt: skip
    if any(c not in columns for c in key):
        raise _NoKey
    cols = compared if compared is not None else sorted(columns)
    salt = 0 if compared is not None else hash(tuple(cols))  # no base: the column set counts
    pos = 0
    for chunk in _chunks(path, fmt, columns):
        if chunk[list(key)].isna().any().any():
            raise _NoKey
        n = len(chunk)
        if fmt in ("csv", "tsv"):  # every value is text: hashed and encoded by pandas in C
            hashed = pd.util.hash_pandas_object(chunk[cols], index=False).to_numpy()
            hashes = (hashed + np.uint64(salt % (1 << 64))).view(np.int64).tolist()
            text = chunk.to_json(orient="records", lines=True, force_ascii=False)
            rows = text.rstrip("\n").split("\n") if n else []
            if len(key) == 1:
                keys = chunk[key[0]].tolist()
            else:
                keys = [json.dumps(list(v)) for v in chunk[list(key)].itertuples(index=False)]
        else:
            records = [{k: _plain(v) for k, v in r.items()} for r in chunk.to_dict("records")]
            rows = [json.dumps(r, ensure_ascii=False) for r in records]
            keys = [json.dumps([r[c] for c in key]) for r in records]
            hashes = [_wrap(hash(json.dumps([r.get(c) for c in cols])) + salt) for r in records]
        try:
            db.executemany(f"INSERT INTO {side} VALUES (?, ?, ?, ?)",  # noqa: S608 (b, o or t)
                           zip(range(pos, pos + n), keys, hashes, rows, strict=True))  # fmt: skip
        except sqlite3.IntegrityError:
            raise _NoKey from None
        pos += n
    db.commit()


def _wrap(value: int) -> int:
    """``value`` folded into sqlite's signed 64-bit integers."""
    return ((value + (1 << 63)) % (1 << 64)) - (1 << 63)


def _key_values(k: str, key: tuple[str, ...], fmt: str) -> dict[str, Any]:
    values = [k] if fmt in ("csv", "tsv") and len(key) == 1 else json.loads(k)
    return dict(zip(key, values, strict=True))


class _Writer:
    """The merged table, written in chunks to ``out``."""

    def __init__(self, out: Path, fmt: str, columns: list[str]) -> None:
        self._file = out.open("w", encoding="utf-8", newline="")
        self._fmt, self._columns = fmt, columns
        self._batch: list[dict[str, Any]] = []
        self._header = True

    def add(self, row: dict[str, Any]) -> None:
        self._batch.append(row)
        if len(self._batch) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        import pandas as pd

        frame = pd.DataFrame(self._batch, columns=self._columns)
        self._batch = []
        if self._fmt in ("csv", "tsv"):
            frame.to_csv(self._file, index=False, header=self._header, sep=_sep(self._fmt),
                         lineterminator="\n")  # fmt: skip
        elif len(frame):
            text = frame.to_json(orient="records", lines=True, force_ascii=False)
            self._file.write(text.rstrip("\n") + "\n")
        self._header = False

    def close(self) -> None:
        if self._batch or self._header:
            self.flush()
        self._file.close()


def _sides_columns(
    paths: tuple[Path | None, Path, Path], fmt: str
) -> tuple[list[str], list[str], list[str]]:
    cols_o, cols_t = _columns(paths[1], fmt), _columns(paths[2], fmt)
    cols_b = _columns(paths[0], fmt) if paths[0] is not None else list(cols_o)
    return cols_b, cols_o, cols_t


def merge_table_files(
    paths: tuple[Path | None, Path, Path],
    out: Path,
    fmt: str,
    scratch: Path,
    keys: Sequence[str] = (),
) -> TableMerge:
    """Merge table files (base None: added on both sides); a clean result is written to ``out``."""
    all_cols = _sides_columns(paths, fmt)
    cols_b, cols_o, cols_t = all_cols
    if len({tuple(c) for c in all_cols}) == 3:
        return TableMerge(None, (), (), "the columns changed on both sides", True)
    has_base = paths[0] is not None
    compared = [c for c in cols_b if c in cols_o and c in cols_t] if has_base else None
    db = sqlite3.connect(scratch / "rows.sqlite")
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16000"):
            db.execute(f"PRAGMA {pragma}")
        key = _find_key(db, paths, fmt, all_cols, compared, tuple(keys))
        if key is None:
            wanted = f"key column(s) {', '.join(keys)} are" if keys else "no column is"
            return TableMerge(
                None, (), (), f"{wanted} unique and non-null on every side; give --key COL", True
            )
        return _join(db, key, fmt, all_cols, out)
    finally:
        db.close()
        (scratch / "rows.sqlite").unlink(missing_ok=True)


def _find_key(
    db: sqlite3.Connection,
    paths: tuple[Path | None, Path, Path],
    fmt: str,
    all_cols: tuple[list[str], list[str], list[str]],
    compared: list[str] | None,
    given: tuple[str, ...],
) -> tuple[str, ...] | None:
    """Load the three sides keyed on ``given``, or on the first column unique on every side."""
    candidates = [given] if given else [(c,) for c in all_cols[0]]
    for key in candidates:
        if not all(c in cols for cols in all_cols for c in key):
            continue
        try:
            for side, path, cols in zip(_SIDES, paths, all_cols, strict=True):
                _load(db, side, path, fmt, key, cols, compared)
        except _NoKey:
            continue
        return key
    return None


_OURS_ORDER = (
    "SELECT o.k, b.h, o.h, t.h, o.row, t.row FROM o LEFT JOIN t ON t.k = o.k "
    "LEFT JOIN b ON b.k = o.k ORDER BY o.pos"
)
_THEIRS_ONLY = (
    "SELECT t.k, b.h, NULL, t.h, NULL, t.row FROM t LEFT JOIN b ON b.k = t.k "
    "WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.k = t.k) ORDER BY t.pos"
)


def _join(
    db: sqlite3.Connection,
    key: tuple[str, ...],
    fmt: str,
    all_cols: tuple[list[str], list[str], list[str]],
    out: Path,
) -> TableMerge:
    cols_b, cols_o, cols_t = all_cols
    take_theirs_cols = cols_o == cols_b and cols_t != cols_b
    columns = cols_t if take_theirs_cols else cols_o
    writer = _Writer(out, fmt, columns)
    conflicts: list[dict[str, Any]] = []
    count = 0
    try:
        for query in (_OURS_ORDER, _THEIRS_ONLY):
            for k, hb, ho, ht, ro, rt in db.execute(query):
                if ho == ht:
                    row, other, cols = (rt, ro, cols_t) if take_theirs_cols else (ro, rt, cols_o)
                elif ho == hb:
                    row, other, cols = rt, ro, cols_t
                elif ht == hb:
                    row, other, cols = ro, rt, cols_o
                else:
                    count += 1
                    if len(conflicts) < _SHOWN:
                        conflicts.append({"key": _key_values(k, key, fmt), "base": _row(db, "b", k),
                                          "ours": _parse(ro), "theirs": _parse(rt)})  # fmt: skip
                    continue
                if row is None or count:
                    continue  # removed on the side taken, or the result will not be kept
                values = json.loads(row)
                if cols != columns:
                    extra = json.loads(other) if other is not None else {}
                    values = {c: values.get(c, extra.get(c)) for c in columns}
                writer.add(values)
    finally:
        writer.close()
    if count:
        out.unlink(missing_ok=True)
        return TableMerge(None, key, tuple(conflicts), f"{count} row(s) changed on both sides",
                          True)  # fmt: skip
    return TableMerge(None, key, (), f"rows merged on key {', '.join(key)}", False)


def _parse(row: str | None) -> dict[str, Any] | None:
    return json.loads(row) if row is not None else None


def _row(db: sqlite3.Connection, side: str, k: str) -> dict[str, Any] | None:
    assert side in _SIDES
    found = db.execute(f"SELECT row FROM {side} WHERE k = ?", (k,)).fetchone()  # noqa: S608
    return _parse(found[0]) if found else None

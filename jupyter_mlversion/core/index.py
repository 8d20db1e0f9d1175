"""``index.sqlite``: a rebuildable cache of history for fast queries.

It holds the stat cache (so unchanged files are never read again), one row per
snapshot, the per-path changes of every snapshot (for "versions of this path"
and "history of this path"), the state of the newest indexed snapshot, and the
per-cell lineage. Deleting the file loses nothing: :meth:`Index.sync` rebuilds
it from the git history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MlversionError
from .index_db import Connection
from .model import CellIO, FileEntry, Snapshot

SCHEMA_VERSION = "1"
#: Meta key set once a branch was deleted: the index may hold snapshots on no branch.
BRANCH_DELETED = "branch_deleted"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS stat_cache(
    path TEXT PRIMARY KEY, ino INTEGER, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
    id TEXT);
CREATE TABLE IF NOT EXISTS snapshots(
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE, parents TEXT, author TEXT, email TEXT,
    time TEXT, message TEXT, summary TEXT);
CREATE TABLE IF NOT EXISTS changes(
    seq INTEGER, path TEXT, id TEXT, size INTEGER, kind TEXT, PRIMARY KEY(seq, path));
CREATE INDEX IF NOT EXISTS changes_path ON changes(path, seq);
CREATE INDEX IF NOT EXISTS changes_id ON changes(id);
CREATE TABLE IF NOT EXISTS head_files(path TEXT PRIMARY KEY, id TEXT, size INTEGER, kind TEXT);
CREATE TABLE IF NOT EXISTS lineage(
    seq INTEGER, cell_id TEXT, notebook TEXT, execution_count INTEGER, role TEXT,
    path TEXT, id TEXT, changed_since INTEGER);
CREATE INDEX IF NOT EXISTS lineage_cell ON lineage(cell_id, seq);
CREATE INDEX IF NOT EXISTS lineage_path ON lineage(path, id);
"""


@dataclass(frozen=True)
class StatKey:
    """The parts of ``os.stat`` that change whenever a file's content may have changed."""

    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True)
class IndexedSnapshot:
    """A row of the snapshots table."""

    seq: int
    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    time: str
    message: str
    summary: dict[str, Any]

    def to_snapshot(
        self, tags: Iterable[str] = (), meta: Mapping[str, Any] | None = None
    ) -> Snapshot:
        """The Snapshot value; ``meta`` (its snapshot.json) adds environment and lineage."""
        values = self.summary if meta is None else meta
        return Snapshot(
            id=self.id,
            parents=self.parents,
            author=self.author,
            email=self.email,
            time=self.time,
            message=self.message,
            metrics=dict(values.get("metrics", {})),
            params=dict(values.get("params", {})),
            environment=dict(meta.get("environment", {})) if meta else {},
            lineage=tuple(CellIO.from_dict(c) for c in meta.get("lineage", [])) if meta else (),
            tracked=tuple(meta.get("tracked", ())) if meta else (),
            tags=tuple(tags),
        )


class Index:
    """Typed access to ``index.sqlite``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = Connection(path)
        self._db.open(self._setup)

    def _setup(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        # No fsync of the log, even when it is folded into the file (which the last connection
        # to close does: with the fsyncs ~0.1 s after a big restore, on every such command).
        # The index is a cache of history: a power cut can cost it its newest rows, which the
        # next sync re-reads from history, or damage it, and a damaged index is rebuilt. A
        # killed process costs nothing (the log is complete up to its last commit).
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        schema = self.get_meta("schema")
        if schema not in (None, SCHEMA_VERSION):
            self.reset()
        if schema != SCHEMA_VERSION:  # a write on every open would cost each CLI call
            self.set_meta("schema", SCHEMA_VERSION)

    def close(self) -> None:
        self._db.close()

    @property
    def repaired(self) -> str | None:
        """Why this index was found damaged and replaced (it is rebuilt from history)."""
        return self._db.repaired

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except MlversionError:
            # The index failed (full, or damaged and replaced): a rollback may fail too.
            with suppress(MlversionError):
                self._db.execute("ROLLBACK")
            raise
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def reset(self) -> None:
        """Forget everything derived from history (the stat cache stays valid)."""
        with self.transaction() as db:
            for table in ("snapshots", "changes", "head_files", "lineage"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            # The branch heads indexed and the mark of a deleted branch describe what was
            # removed here too (see index_sync).
            db.execute("DELETE FROM meta WHERE key IN ('head', 'tips', 'branch_deleted')")

    # -- meta ------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- stat cache ------------------------------------------------------
    def stat_cache(self) -> dict[str, tuple[StatKey, str]]:
        rows = self._db.execute("SELECT path, ino, size, mtime_ns, ctime_ns, id FROM stat_cache")
        return {r[0]: (StatKey(r[1], r[2], r[3], r[4]), r[5]) for r in rows}

    def cached_id(self, path: str, key: StatKey) -> str | None:
        row = self._db.execute(
            "SELECT id FROM stat_cache WHERE path=? AND ino=? AND size=? AND mtime_ns=? "
            "AND ctime_ns=?",
            (path, key.ino, key.size, key.mtime_ns, key.ctime_ns),
        ).fetchone()
        return None if row is None else str(row[0])

    def remember(self, entries: Iterable[tuple[str, StatKey, str]]) -> None:
        rows = [(p, k.ino, k.size, k.mtime_ns, k.ctime_ns, i) for p, k, i in entries]
        if rows:
            with self.transaction() as db:
                db.executemany("INSERT OR REPLACE INTO stat_cache VALUES (?, ?, ?, ?, ?, ?)", rows)

    # -- snapshots -------------------------------------------------------
    @property
    def head(self) -> str | None:
        return self.get_meta("head")

    def head_stats(self) -> dict[str, tuple[Any, ...]]:
        """Path -> (head id, cached ino, size, mtime_ns, ctime_ns, cached id), as plain tuples.

        One query and no objects per file: the "nothing changed" check of a snapshot over
        thousands of files needs only these values. Cached columns are None when not cached.
        """
        rows = self._db.execute(
            "SELECT h.path, h.id, s.ino, s.size, s.mtime_ns, s.ctime_ns, s.id "
            "FROM head_files h LEFT JOIN stat_cache s ON s.path = h.path"
        )
        return {r[0]: r[1:] for r in rows}

    def head_paths(self) -> set[str]:
        """The paths of the newest snapshot's files (cheaper than :meth:`head_files`)."""
        return {r[0] for r in self._db.execute("SELECT path FROM head_files")}

    def head_files(self) -> dict[str, FileEntry]:
        rows = self._db.execute("SELECT path, id, size, kind FROM head_files")
        return {r[0]: FileEntry(r[0], r[1], r[2], r[3]) for r in rows}

    def add_snapshot(
        self,
        snap: IndexedSnapshot,
        state: Mapping[str, FileEntry],
        previous: Mapping[str, FileEntry],
        lineage: Iterable[dict[str, Any]],
        *,
        advance: bool = True,
    ) -> bool:
        """Add one snapshot (its full state and its first parent's state).

        ``advance``: it extends the indexed head, whose files become ``state``. Returns
        False, changing nothing, when another process indexed past the expected parent
        meanwhile (the caller re-reads and continues). Without ``advance`` the head stays,
        and a snapshot already indexed is skipped.
        """
        expected = snap.parents[0] if snap.parents else None
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key='head'").fetchone()
            if advance and (row[0] if row else None) != expected:
                return False
            if db.execute("SELECT 1 FROM snapshots WHERE id=?", (snap.id,)).fetchone():
                return not advance
            rows = self._insert(db, snap, state, previous, lineage)
            if advance:
                # head_files equals ``previous`` here (checked above): apply just the changes.
                _apply_changes(db, rows)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('head', ?)", (snap.id,))
        return True

    def set_head(self, sha: str | None, state: Mapping[str, FileEntry]) -> None:
        """Make ``sha`` (already indexed) the head, with ``state`` as its files."""
        with self.transaction() as db:
            db.execute("DELETE FROM head_files")
            db.executemany(
                "INSERT INTO head_files VALUES (?, ?, ?, ?)",
                [(p, e.id, e.size, e.kind) for p, e in state.items()],
            )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('head', ?)", (sha,))

    def _insert(
        self,
        db: Connection,
        snap: IndexedSnapshot,
        state: Mapping[str, FileEntry],
        previous: Mapping[str, FileEntry],
        lineage: Iterable[dict[str, Any]],
    ) -> list[tuple[Any, ...]]:
        cur = db.execute(
            "INSERT INTO snapshots(id, parents, author, email, time, message, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                snap.id,
                " ".join(snap.parents),
                snap.author,
                snap.email,
                snap.time,
                snap.message,
                json.dumps(snap.summary, sort_keys=True),
            ),
        )
        seq = cur.lastrowid
        rows: list[tuple[Any, ...]] = []
        for path, entry in state.items():
            old = previous.get(path)
            if old is None or old.id != entry.id or old.kind != entry.kind:
                rows.append((seq, path, entry.id, entry.size, entry.kind))
        rows.extend((seq, p, None, 0, e.kind) for p, e in previous.items() if p not in state)
        db.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", rows)
        db.executemany(
            "INSERT INTO lineage VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    cell["cell_id"],
                    cell.get("notebook"),
                    cell.get("execution_count"),
                    role,
                    io["path"],
                    io.get("id"),
                    int(bool(io.get("changed_since"))),
                )
                for cell in lineage
                for role in ("reads", "writes")
                for io in cell.get(role, ())
            ],
        )
        return rows

    def ids(self) -> set[str]:
        """Every indexed snapshot id (on any branch)."""
        return {r[0] for r in self._db.execute("SELECT id FROM snapshots")}

    def snapshots(
        self,
        *,
        path: str | None = None,
        query: str | None = None,
        ids: Iterable[str] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[IndexedSnapshot]:
        """Snapshots newest first, filtered as :meth:`_where` says."""
        where, args = _where(path, query, ids)
        columns = "seq, id, parents, author, email, time, message, summary"
        sql = f"SELECT {columns} FROM snapshots{where} ORDER BY seq DESC LIMIT ? OFFSET ?"  # noqa: S608
        args += [-1 if limit is None else limit, offset]
        return [_row_to_snapshot(r) for r in self._db.execute(sql, args)]

    def count(
        self, *, path: str | None = None, query: str | None = None, ids: Iterable[str] = ()
    ) -> int:
        where, args = _where(path, query, ids)
        sql = f"SELECT COUNT(*) FROM snapshots{where}"  # noqa: S608 - built from fixed parts
        return int(self._db.execute(sql, args).fetchone()[0])

    def snapshot(self, snapshot_id: str) -> IndexedSnapshot | None:
        row = self._db.execute(
            "SELECT seq, id, parents, author, email, time, message, summary FROM snapshots "
            "WHERE id=?",
            (snapshot_id,),
        ).fetchone()
        return None if row is None else _row_to_snapshot(row)

    def recorded_by(self, path: str, oid: str) -> IndexedSnapshot | None:
        """The newest snapshot that recorded ``path`` with content ``oid``."""
        row = self._db.execute(
            "SELECT s.seq, s.id, s.parents, s.author, s.email, s.time, s.message, s.summary "
            "FROM changes c JOIN snapshots s ON s.seq=c.seq WHERE c.path=? AND c.id=? "
            "ORDER BY c.seq DESC LIMIT 1",
            (path, oid),
        ).fetchone()
        return None if row is None else _row_to_snapshot(row)

    def prefix_matches(self, prefix: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM snapshots WHERE id >= ? AND id < ? LIMIT 3", (prefix, prefix + "g")
        )
        return [r[0] for r in rows]

    def path_history(self, path: str) -> list[tuple[str, str | None, int, str, str]]:
        """``(snapshot id, file id or None if removed, size, kind, time)`` oldest first."""
        rows = self._db.execute(
            "SELECT s.id, c.id, c.size, c.kind, s.time FROM changes c "
            "JOIN snapshots s ON s.seq=c.seq WHERE c.path=? ORDER BY c.seq",
            (path,),
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that some snapshot holds (at any path)."""
        wanted = list(set(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT DISTINCT id FROM changes WHERE id IN ({marks})"  # noqa: S608
            found.update(r[0] for r in self._db.execute(sql, part))
        return found

    def all_ids(self, *, exclude_kind: str = "notebook") -> set[str]:
        rows = self._db.execute(
            "SELECT DISTINCT id FROM changes WHERE id IS NOT NULL AND kind != ?", (exclude_kind,)
        )
        return {r[0] for r in rows}

    def lineage_of(self, cell_id: str, notebook: str | None = None) -> list[dict[str, Any]]:
        """Rows of lineage for ``cell_id`` with their snapshot, newest snapshot first."""
        sql = (
            "SELECT s.id, s.time, s.message, l.notebook, l.execution_count, l.role, l.path, "
            "l.id, l.changed_since FROM lineage l JOIN snapshots s ON s.seq=l.seq "
            "WHERE l.cell_id=?"
        )
        args: list[Any] = [cell_id]
        if notebook is not None:
            sql += " AND l.notebook=?"
            args.append(notebook)
        sql += " ORDER BY l.seq DESC, l.role, l.path"
        keys = ("snapshot", "time", "message", "notebook", "execution_count", "role", "path", "id")
        result = []
        for row in self._db.execute(sql, args):
            item = dict(zip(keys, row[:8], strict=True))
            item["changed_since"] = bool(row[8])
            result.append(item)
        return result

    def lineage_writers(self, path: str, oid: str) -> list[tuple[int, str, str, str, Any, Any]]:
        """``(seq, snapshot, time, cell_id, notebook, execution_count)`` of each recorded cell
        run that wrote ``path`` with content ``oid``, newest first."""
        rows = self._db.execute(
            "SELECT l.seq, s.id, s.time, l.cell_id, l.notebook, l.execution_count FROM lineage l "
            "JOIN snapshots s ON s.seq=l.seq WHERE l.path=? AND l.id=? AND l.role='writes' "
            "ORDER BY l.seq DESC",
            (path, oid),
        )
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def lineage_run(
        self, seq: int, cell_id: str, notebook: str | None
    ) -> list[tuple[str, str, str | None]]:
        """``(role, path, id)`` of everything one recorded cell run read and wrote."""
        rows = self._db.execute(
            "SELECT role, path, id FROM lineage WHERE seq=? AND cell_id=? AND notebook IS ? "
            "ORDER BY role, path",
            (seq, cell_id, notebook),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def lineage_paths(self, notebook: str | None) -> set[str]:
        """Every path the cells of ``notebook`` (None: of no known notebook) read or wrote."""
        rows = self._db.execute(
            "SELECT DISTINCT path FROM lineage WHERE notebook IS ?", (notebook,)
        )
        return {r[0] for r in rows}

    def cells(self, notebook: str | None = None) -> list[str]:
        sql = "SELECT DISTINCT cell_id FROM lineage"
        args: list[Any] = []
        if notebook is not None:
            sql += " WHERE notebook=?"
            args.append(notebook)
        return [r[0] for r in self._db.execute(sql, args)]


def _apply_changes(db: Connection, rows: list[tuple[Any, ...]]) -> None:
    db.executemany("DELETE FROM head_files WHERE path=?", [(r[1],) for r in rows if r[2] is None])
    db.executemany(
        "INSERT OR REPLACE INTO head_files VALUES (?, ?, ?, ?)",
        [r[1:] for r in rows if r[2] is not None],
    )


def _where(path: str | None, query: str | None, ids: Iterable[str]) -> tuple[str, list[Any]]:
    """The WHERE clause and its arguments for filtering snapshots.

    ``path``: snapshots that changed it (or files below it). ``query``: message or author
    contains it (case-insensitive), the id starts with it, or the id is in ``ids`` (tag hits).
    """
    clauses: list[str] = []
    args: list[Any] = []
    if path is not None:
        clauses.append("seq IN (SELECT seq FROM changes WHERE path=? OR (path >= ? AND path < ?))")
        args += [path, path + "/", path + "0"]
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        wanted = list(ids)
        marks = ",".join("?" * len(wanted))
        by_id = f" OR id IN ({marks})" if wanted else ""
        clauses.append(
            "(message LIKE ? ESCAPE '\\' OR author LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\'"
            f"{by_id})"
        )
        args += [pattern, pattern, escaped.lower() + "%", *wanted]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _row_to_snapshot(row: tuple[Any, ...]) -> IndexedSnapshot:
    return IndexedSnapshot(
        seq=row[0],
        id=row[1],
        parents=tuple(p for p in str(row[2]).split(" ") if p),
        author=row[3],
        email=row[4],
        time=row[5],
        message=row[6],
        summary=json.loads(row[7]) if row[7] else {},
    )

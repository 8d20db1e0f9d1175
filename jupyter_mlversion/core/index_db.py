"""The connection under :class:`.index.Index`: sqlite errors become the engine's typed errors.

``index.sqlite`` is a cache, so damage is never fatal: a file sqlite calls corrupt or "not a
database" is moved aside (``index.sqlite.damaged``) and an empty index takes its place, which
:func:`.index_sync.sync_index` fills again from history. A full disk becomes
StorageFullError rather than a ``sqlite3`` traceback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .atomic import full_error
from .errors import IndexDamagedError, MlversionError
from .shared import share_file

_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_MAYBE_FULL = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
_SIDE_FILES = ("-wal", "-shm", "-journal")


def disk_is_full(folder: Path) -> bool:
    """True when the filesystem holding ``folder`` has no block left for us."""
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def is_damage(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _DAMAGED


def quarantine(path: Path) -> Path:
    """Move a damaged index (and its journal files) aside; returns where it went."""
    aside = path.with_name(path.name + ".damaged")
    with contextlib.suppress(FileNotFoundError):
        os.replace(path, aside)
    for suffix in _SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
    return aside


def translate(exc: sqlite3.Error, path: Path) -> MlversionError:
    """The typed error for a failure of the index at ``path``."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in _MAYBE_FULL and (code == sqlite3.SQLITE_FULL or disk_is_full(path.parent)):
        return full_error(path.parent)
    if code in _DAMAGED:
        return IndexDamagedError(
            f"{path} is damaged ({exc}); it was moved aside and is rebuilt from history by "
            "the next command: run this one again"
        )
    return MlversionError(
        f"cannot use the index {path} ({exc}); it is a cache: delete it and run the "
        "command again to rebuild it from history"
    )


def _read_only(path: Path) -> bool:
    """This user may read the project but not write its index (a shared volume, read-only)."""
    if not os.access(path.parent, os.W_OK):
        return True
    return path.exists() and not os.access(path, os.W_OK)


def _private_copy(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the index for a user who may not write it: queries and the sync
    from history work as usual and nothing is written to the project. Without a readable
    copy it starts empty and is filled from history."""
    from urllib.parse import quote

    memory = sqlite3.connect(":memory:", isolation_level=None)
    with contextlib.suppress(sqlite3.Error):
        source = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        try:
            source.backup(memory)
        finally:
            source.close()
    return memory


class Connection:
    """A sqlite connection whose failures are raised as typed errors (see module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._setup: Callable[[], None] = lambda: None
        self._ready = False  # open() finished: a damaged file found later is replaced here
        #: Why the index was replaced by a fresh one (rebuilt from history), if it was.
        self.repaired: str | None = None

    def open(self, setup: Callable[[], None]) -> None:
        """Connect and run ``setup`` (schema); a damaged file is moved aside and replaced."""
        self._setup = setup
        try:
            self._connect()
        except IndexDamagedError as exc:
            self.repaired = str(exc).split(";")[0]
            self._connect()  # on the empty file that replaced the damaged one
        self._ready = True

    def _connect(self) -> None:
        try:
            if _read_only(self.path):
                self._db = _private_copy(self.path)
            else:
                self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc
        share_file(Path(self.path))  # SQLite makes it 0644; a shared project needs g+w
        self._setup()

    def _guard(self, call: Callable[..., Any], *args: Any) -> Any:
        if self._db is None:
            raise MlversionError(f"the index {self.path} is closed")
        try:
            return call(self._db, *args)
        except sqlite3.Error as exc:
            error = translate(exc, self.path)
            if is_damage(exc):
                self.repaired = str(error).split(";")[0]
                self.close()
                quarantine(self.path)
                if self._ready:
                    with contextlib.suppress(MlversionError):
                        self._connect()  # later calls of this process use a fresh index
            raise error from exc

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self._guard(sqlite3.Connection.execute, sql, tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self._guard(sqlite3.Connection.executemany, sql, rows)
        return cursor

    def executescript(self, script: str) -> None:
        self._guard(sqlite3.Connection.executescript, script)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

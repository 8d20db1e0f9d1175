"""Data when needed: the store's fallback source, reading missing records from the remotes.

A clone holds history and notebooks; a data or model chunk is downloaded the first time a
restore, checkout, diff or cell rollback reads it, verified against its id, and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .backends import Backend, open_backend
from .packs import RemoteIndex
from .transfer import fetch_files, fetch_one
from .urls import parse_url

if TYPE_CHECKING:
    from ..store import ObjectStore


class RemoteSource:
    """The project's remotes (the default one first) as a source of missing records."""

    def __init__(self, meta: Path) -> None:
        self._meta = meta
        self._indexes: list[RemoteIndex] | None = None

    def indexes(self) -> list[RemoteIndex]:
        """What each remote's packs hold, read once (and again by :meth:`refresh`)."""
        if self._indexes is None:
            remotes = settings.load(self._meta)
            names = sorted(remotes, key=lambda n: n != settings.DEFAULT_REMOTE)
            backends: list[Backend] = [open_backend(n, parse_url(remotes[n])) for n in names]
            self._indexes = [RemoteIndex(b, index_cache(self._meta)) for b in backends]
            self.refresh()
        return self._indexes

    def refresh(self) -> None:
        for index in self._indexes or []:
            index.refresh()

    def __call__(self, store: ObjectStore, oid: str) -> bytes | None:
        indexes = self.indexes()
        if indexes and not any(i.locate(oid) for i in indexes):
            self.refresh()  # pushed since this process last looked?
        return fetch_one(indexes, store, oid)

    def prefetch(
        self, store: ObjectStore, file_ids: Iterable[str], report: Callable[[int, str], None]
    ) -> tuple[int, int]:
        """Download, in parallel, every object the files need; (objects, bytes) received."""
        read_before = self._indexes is not None
        indexes = self.indexes()  # read now if not yet: no second listing below
        if not indexes:
            return 0, 0
        if read_before:
            self.refresh()  # pushed since this process last looked?
        return fetch_files(indexes, store, file_ids, report)


def index_cache(meta: Path) -> Path:
    """Where the indexes of remote packs are kept once read (they never change)."""
    return meta / "remote-index"


def attach(store: ObjectStore, meta: Path) -> None:
    """Make ``store`` fall back on the project's remotes, if it has any."""
    if settings.remotes_path(meta).is_file():
        store.fallback = RemoteSource(meta)

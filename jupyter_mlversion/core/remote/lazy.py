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
from .faults import Absent
from .layout import object_key
from .transfer import fetch_files, verified
from .urls import parse_url

if TYPE_CHECKING:
    from ..store import ObjectStore


class RemoteSource:
    """The project's remotes (the default one first) as a source of missing records."""

    def __init__(self, meta: Path) -> None:
        self._meta = meta
        self._backends: list[Backend] | None = None

    def backends(self) -> list[Backend]:
        if self._backends is None:
            remotes = settings.load(self._meta)
            names = sorted(remotes, key=lambda n: n != settings.DEFAULT_REMOTE)
            self._backends = [open_backend(n, parse_url(remotes[n])) for n in names]
        return self._backends

    def __call__(self, store: ObjectStore, oid: str) -> bytes | None:
        for backend in self.backends():
            try:
                return verified(backend, store, oid, backend.get(object_key(oid)))
            except Absent:
                continue
        return None

    def prefetch(
        self, store: ObjectStore, file_ids: Iterable[str], report: Callable[[int, str], None]
    ) -> tuple[int, int]:
        """Download, in parallel, every object the files need; (objects, bytes) received."""
        backends = self.backends()
        if not backends:
            return 0, 0
        return fetch_files(backends, store, file_ids, report)


def attach(store: ObjectStore, meta: Path) -> None:
    """Make ``store`` fall back on the project's remotes, if it has any."""
    if settings.remotes_path(meta).is_file():
        store.fallback = RemoteSource(meta)

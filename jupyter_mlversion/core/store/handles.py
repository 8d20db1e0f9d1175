"""Open read handles on pack files: shared by threads, never closed while a reader holds one.

A restore queues reads of many packs on its hashing thread; a cache that closed the oldest
handle when it was full (as an early version did) closed descriptors those reads still used,
and a descriptor number reused for another pack made them read the wrong bytes. Here every
use is a lease: an idle handle may be closed to stay under the limit, a leased one never is
(the cache goes over the limit instead), and a pack dropped while leased closes on release.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

#: Idle handles kept open; more may be open at once while they are all in use.
MAX_IDLE = 64


class Handle:
    """One open pack file and how many readers hold it."""

    __slots__ = ("dropped", "fd", "stem", "users")

    def __init__(self, stem: str, fd: int) -> None:
        self.stem = stem
        self.fd = fd
        self.users = 0
        self.dropped = False


class HandleCache:
    """Least-recently-used read handles on the packs of one folder (thread-safe)."""

    def __init__(self, folder: Path, limit: int = MAX_IDLE) -> None:
        self._folder = folder
        self._limit = limit
        self._lock = threading.Lock()
        self._open: OrderedDict[str, Handle] = OrderedDict()

    def acquire(self, stem: str) -> Handle:
        """Lease a handle on pack ``stem``; FileNotFoundError if the pack was removed."""
        with self._lock:
            handle = self._open.get(stem)
            if handle is None:
                self._trim(self._limit - 1)
                fd = os.open(self._folder / f"{stem}.pack", os.O_RDONLY | os.O_CLOEXEC)
                handle = self._open[stem] = Handle(stem, fd)
            else:
                self._open.move_to_end(stem)
            handle.users += 1
            return handle

    def release(self, handle: Handle) -> None:
        """End a lease from :meth:`acquire`."""
        with self._lock:
            handle.users -= 1
            if handle.users == 0 and handle.dropped:
                os.close(handle.fd)
            elif handle.users == 0 and len(self._open) > self._limit:
                self._trim(self._limit)  # back under the limit once the burst is over

    @contextlib.contextmanager
    def lease(self, stem: str) -> Iterator[int]:
        """The descriptor of pack ``stem`` for the duration of the block."""
        handle = self.acquire(stem)
        try:
            yield handle.fd
        finally:
            self.release(handle)

    def drop(self, stem: str) -> None:
        """Forget pack ``stem`` (removed or repacked); its handle closes once no one holds it."""
        with self._lock:
            self._drop(stem)

    def close(self) -> None:
        """Drop every handle."""
        with self._lock:
            for stem in list(self._open):
                self._drop(stem)

    def open_count(self) -> int:
        """Handles currently open (for tests and diagnostics)."""
        with self._lock:
            return len(self._open)

    def _drop(self, stem: str) -> None:
        handle = self._open.pop(stem, None)
        if handle is None:
            return
        handle.dropped = True
        if handle.users == 0:
            os.close(handle.fd)

    def _trim(self, keep: int) -> None:
        """Close idle handles, oldest first, until at most ``keep`` are open."""
        if len(self._open) <= keep:
            return
        for stem in [s for s, h in self._open.items() if h.users == 0]:
            if len(self._open) <= keep:
                break
            self._drop(stem)

"""A project-wide lock so that two snapshots or restores never interleave.

``fcntl.flock`` is released by the kernel when a process dies, so a ``kill -9``
never leaves the project locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ConcurrentUpdateError


@contextmanager
def project_lock(path: Path, *, timeout: float = 60.0, what: str = "a snapshot") -> Iterator[None]:
    """Hold the exclusive lock at ``path``; ConcurrentUpdateError after ``timeout`` seconds."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConcurrentUpdateError(
                        f"another process has been busy with {what} in this project for "
                        f"{timeout:.0f}s; wait for it to finish and retry"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

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

from .errors import ConcurrentUpdateError, ReadOnlyProjectError
from .shared import share_file, writable


def _open(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            fd = -1
        if fd < 0 or not writable(path.parent):
            if fd >= 0:
                os.close(fd)
            raise read_only(path.parent.parent) from None
        return fd
    share_file(path)
    return fd


def read_only(root: Path) -> ReadOnlyProjectError:
    """The one message for a project this user may read but not change."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.geteuid())
    return ReadOnlyProjectError(
        f"the project at {root} is read-only for you ({user}): ask its owner for group write "
        "access to its .mlversion/ folder (chmod -R g+w, umask 002), or work in your own clone"
    )


@contextmanager
def project_lock(path: Path, *, timeout: float = 60.0, what: str = "a snapshot") -> Iterator[None]:
    """Hold the exclusive lock at ``path``; ConcurrentUpdateError after ``timeout`` seconds.

    Works across the users of a shared project: ``flock`` needs only a file descriptor open
    for reading, so a lock file another user created is opened read-only when it must be.
    """
    fd = _open(path)
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

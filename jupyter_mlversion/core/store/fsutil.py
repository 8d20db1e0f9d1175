"""Crash-safe file primitives: temp files, full writes, fsync, publish without overwrite.

Every object reaches its final name only after its bytes were fsynced, and never replaces
an existing name, so a ``kill -9`` or power cut leaves either nothing or a whole object
there; what it can leave are temp files (names starting with :data:`TEMP_PREFIX`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import StorageFullError

TEMP_PREFIX = ".tmp-"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}

Buffer = bytes | bytearray | memoryview

#: Bytes written between requests to start writing back (so the final fsync has little left).
WRITEBACK_EVERY = 32 << 20
_SYNC_FILE_RANGE_WRITE = 2
# The C library is already loaded: dlopen(NULL) finds it without find_library (which runs
# `ldconfig -p`, ~0.1 s on every start).
_libc = ctypes.CDLL(None, use_errno=True)
_sync_file_range = getattr(_libc, "sync_file_range", None)
if _sync_file_range is not None:
    _sync_file_range.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to begin writing a range now (no waiting); harmless if unsupported.

    Not a durability step (fsync still is): it overlaps the disk writes with the work that
    produces them, instead of leaving them all to the final fsync.
    """
    if _sync_file_range is not None:
        _sync_file_range(fd, offset, length, _SYNC_FILE_RANGE_WRITE)


def temp_path(folder: Path, hint: str = "") -> Path:
    """A fresh temp name in ``folder`` (same folder as the final name, so rename is atomic)."""
    return folder / f"{TEMP_PREFIX}{hint}{os.getpid()}-{secrets.token_hex(6)}"


def create_exclusive(path: Path, mode: int = 0o444) -> int:
    """Open a new file for writing; fails if the name exists."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)


def write_all(fd: int, parts: Sequence[Buffer]) -> int:
    """Write every part fully (``os.write`` may write less than asked)."""
    total = 0
    for part in parts:
        view = memoryview(part)
        while view:
            written = os.write(fd, view)
            view = view[written:]
            total += written
    return total


def fsync_dir(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: Path, final: Path) -> bool:
    """Give ``tmp`` its final name unless that name exists; False (and ``tmp`` removed) if it did.

    A hard link fails atomically on an existing name, which ``rename`` would silently replace;
    objects are immutable, so the first writer wins and later identical writers just drop theirs.
    """
    try:
        os.link(tmp, final)
    except FileExistsError:
        created = False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
            raise
        # Filesystems without hard links: rename, accepting the tiny window of a racing writer
        # replacing an identical object.
        if final.exists():
            created = False
        else:
            tmp.replace(final)
            return True
    else:
        created = True
    tmp.unlink(missing_ok=True)
    return created


def is_full(exc: BaseException) -> bool:
    """True for 'disk full' and 'quota exceeded' errors."""
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS


def full_error(where: Path) -> StorageFullError:
    """The error raised when the disk under ``where`` filled up."""
    return StorageFullError(
        f"the disk holding {where} is full; nothing partial was kept. "
        "Free some space (e.g. 'mlversion gc') and try again"
    )


@contextlib.contextmanager
def cleanup_on_error(*paths: Path, where: Path) -> Iterator[None]:
    """Remove ``paths`` if the block fails; turn ENOSPC/EDQUOT into StorageFullError."""
    try:
        yield
    except BaseException as exc:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if is_full(exc):
            raise full_error(where) from exc
        raise

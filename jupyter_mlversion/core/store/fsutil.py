"""Store-specific write helpers: early writeback so the final fsync of a big file is short.

The crash-safe primitives themselves (temp names, exclusive create, fsync, publish without
overwrite) live in :mod:`jupyter_mlversion.core.atomic`, shared with every other writer.
"""

from __future__ import annotations

import ctypes

from ..atomic import Buffer

__all__ = ["WRITEBACK_EVERY", "Buffer", "start_writeback"]

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

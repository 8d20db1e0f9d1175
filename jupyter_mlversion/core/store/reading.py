"""Reading working files safely: open with clear errors, hash while streaming, spot changes."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import blake3

from ..errors import UnreadableFileError

StatSig = tuple[int, int, int, int, int]


class FileChanged(Exception):
    """The file's stat moved while it was read."""


def signature(st: os.stat_result) -> StatSig:
    """What must stay equal for a read to count as one consistent version of the file."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def open_regular(path: Path) -> tuple[BinaryIO, StatSig]:
    """Open a regular file unbuffered; UnreadableFileError with the reason otherwise."""
    try:
        before = path.stat()
        if not stat.S_ISREG(before.st_mode):
            raise UnreadableFileError(f"{path} is not a regular file; only files can be stored")
        handle = path.open("rb", buffering=0)
    except FileNotFoundError as exc:
        raise UnreadableFileError(f"{path} does not exist (it may have just been removed)") from exc
    except PermissionError as exc:
        raise UnreadableFileError(
            f"{path} cannot be read: permission denied; fix its permissions or untrack it"
        ) from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise UnreadableFileError(f"{path} cannot be read: {exc.strerror}") from exc
    sig = signature(before)
    if signature(os.fstat(handle.fileno())) != sig:
        handle.close()
        raise FileChanged
    return handle, sig


def check_unchanged(path: Path, handle: BinaryIO, sig: StatSig) -> None:
    """Raise FileChanged if the open file or the name ``path`` moved since ``sig``."""
    try:
        now_path = signature(path.stat())
    except OSError as exc:
        raise FileChanged from exc
    if signature(os.fstat(handle.fileno())) != sig or now_path != sig:
        raise FileChanged


def read_error(path: Path, exc: OSError) -> UnreadableFileError:
    """An I/O error while reading an opened file."""
    return UnreadableFileError(f"{path} could not be read to the end: {exc.strerror}")


class HashingReader:
    """Wraps a raw file so every byte handed to the chunker also feeds the whole-file hash."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        # The whole-file hash runs on every core: it is the only pass that sees all bytes at once.
        self.hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
        self.total = 0

    def readinto(self, buf: memoryview) -> int:
        """Fill ``buf`` from the file, hashing what was read."""
        n = self._handle.readinto(buf)  # type: ignore[attr-defined]
        if n:
            self.hasher.update(buf[:n])
            self.total += n
        return n or 0

"""The one way the project writes a file: readers see the old bytes or the new, never a mix.

Objects, packs, restored files, ``tracked.json`` and ``config.toml`` all go through
:func:`atomic_writer` (streaming) or :func:`atomic_write` (bytes): an exclusive temp file in
the target's folder, fsync, rename into place, fsync of the folder. A ``kill -9`` or power
cut leaves the old file or the new one, plus at worst a temp file whose name starts with
:data:`TEMP_PREFIX` (so gc and tracking can recognise it as ours).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import StorageFullError

#: Every temp file the project creates starts with this; nothing else does.
TEMP_PREFIX = ".mlversion-tmp-"
#: Earlier versions' prefix: gc still removes such leftovers.
LEGACY_TEMP_PREFIX = ".tmp-"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}

Buffer = bytes | bytearray | memoryview


def temp_path(folder: Path, hint: str = "") -> Path:
    """A fresh temp name in ``folder``, short whatever the final name's length.

    Same folder as the final name, so the rename is atomic; ``hint`` is a short fixed tag
    (``pack-``), never a user's file name, so a 255-byte target name still works.
    """
    return folder / f"{TEMP_PREFIX}{hint}{os.getpid()}-{os.urandom(6).hex()}"


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


@contextlib.contextmanager
def atomic_writer(
    target: Path, *, mode: int = 0o666, keep_mode: bool = False, overwrite: bool = True
) -> Iterator[io.BufferedWriter]:
    """Stream a new ``target``: yields a file open for writing; it replaces ``target`` on exit.

    Write through the file, or through its ``fileno()`` with os-level calls (as the store
    does for zero-copy restores), not both.

    ``mode`` applies to a new file (less the umask); ``keep_mode`` keeps an existing target's
    permission bits. ``overwrite=False`` publishes only if ``target`` does not exist yet (for
    immutable objects: the first writer wins). On any error nothing changes and the temp file
    is removed; a full disk raises StorageFullError.
    """
    folder = target.parent
    tmp = temp_path(folder)
    with cleanup_on_error(tmp, where=folder):
        with open(create_exclusive(tmp, mode), "wb") as out:
            if keep_mode:
                with contextlib.suppress(FileNotFoundError):
                    os.fchmod(out.fileno(), target.stat().st_mode & 0o7777)
            yield out
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            publish(tmp, target)
        fsync_dir(folder)


def atomic_write(
    target: Path,
    data: Buffer,
    *,
    mode: int = 0o666,
    keep_mode: bool = False,
    overwrite: bool = True,
) -> None:
    """Replace ``target`` with ``data`` atomically and durably (see :func:`atomic_writer`)."""
    with atomic_writer(target, mode=mode, keep_mode=keep_mode, overwrite=overwrite) as out:
        write_all(out.fileno(), [data])

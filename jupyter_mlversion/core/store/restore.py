"""Fast verified copy of a stored file into an open file descriptor.

Raw (uncompressed) chunks are copied inside the kernel with ``copy_file_range`` while a second
thread re-reads the same bytes from the page cache (into one reused buffer) and feeds the
whole-file hash, so copying and hashing use both cores; writeback is started every few MiB so
the final fsync has little left. When the kernel cannot copy between the two file systems (a
store on a team volume, the project on a local disk) the bytes go through memory instead.

Every pack handle a queued read needs is leased until that read is done, so any number of
packs can be read at once.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import blake3

from ..atomic import Buffer, write_all
from .encoding import ENC_RAW, HEADER_LEN, KIND_BLOB, KIND_MANIFEST, MAGIC
from .fsutil import WRITEBACK_EVERY, start_writeback
from .handles import Handle

if TYPE_CHECKING:
    from .objectstore import ObjectStore

_RAW_HEADER = MAGIC + KIND_BLOB.encode() + ENC_RAW.encode()
#: Bytes of chunks per hashing job (fewer hand-overs between the threads).
_JOB_BYTES = 8 << 20
#: Jobs queued but not finished; bounds the leases held and the memory of decoded chunks.
_IN_FLIGHT = 8
#: copy_file_range cannot cross these (other file system, old kernel, special files).
_NO_KERNEL_COPY = {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM}

# A range is a leased raw byte range of a pack; bytes are a decoded chunk.
_Range = tuple[Handle, int, int]


class _Hasher:
    """Feeds the whole-file hash on a worker thread, in file order, a job per few MiB."""

    def __init__(self, store: ObjectStore, pool: ThreadPoolExecutor, max_chunk: int) -> None:
        self.whole = blake3.blake3()
        self._store = store
        self._pool = pool
        self._buf = bytearray(max_chunk)
        self._job: list[_Range | Buffer] = []
        self._job_bytes = 0
        self._pending: deque[Future[None]] = deque()

    def add(self, piece: _Range | Buffer, size: int) -> None:
        self._job.append(piece)
        self._job_bytes += size
        if self._job_bytes >= _JOB_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._job:
            self._pending.append(self._pool.submit(self._run, self._job))
            self._job, self._job_bytes = [], 0
        while len(self._pending) > _IN_FLIGHT:
            self._pending.popleft().result()

    def finish(self) -> str:
        self.flush()
        while self._pending:
            self._pending.popleft().result()
        return self.whole.hexdigest()

    def _run(self, job: list[_Range | Buffer]) -> None:
        view = memoryview(self._buf)
        for i, piece in enumerate(job):
            if not isinstance(piece, tuple):
                self.whole.update(piece)
                continue
            handle, offset, length = piece
            try:
                if length > len(view):
                    self.whole.update(os.pread(handle.fd, length, offset))
                else:
                    n = os.preadv(handle.fd, [view[:length]], offset)
                    self.whole.update(view[:n])
            except BaseException:
                for rest in job[i:]:
                    if isinstance(rest, tuple):
                        self._store.packs.release(rest[0])
                raise
            self._store.packs.release(handle)


def _raw_range(store: ObjectStore, oid: str, size: int) -> _Range | None:
    """A leased (handle, offset, length) of a raw packed chunk's bytes; None to decode it."""
    found = store.packs.locate(oid)
    if found is None:
        return None
    stem, (offset, length) = found
    if length - HEADER_LEN != size:
        return None
    try:
        handle = store.packs.acquire(stem)
    except FileNotFoundError:
        return None  # repacked meanwhile: decoding finds the object's new home
    if os.pread(handle.fd, HEADER_LEN, offset) != _RAW_HEADER:
        store.packs.release(handle)
        return None
    return handle, offset + HEADER_LEN, size


class _Copier:
    """Copies ranges into ``out``: in the kernel while it can, else through memory."""

    def __init__(self, out: int) -> None:
        self.out = out
        self.kernel = True
        self.done = 0
        self._synced = 0

    def copy(self, fd: int, offset: int, length: int) -> None:
        left = length
        while left and self.kernel:
            try:
                n = os.copy_file_range(fd, self.out, left, offset + length - left)
            except OSError as exc:
                if exc.errno not in _NO_KERNEL_COPY:
                    raise
                self.kernel = False
                break
            if n == 0:  # a short (damaged) pack: the hash check reports the corruption
                self.advance(length - left)
                return
            left -= n
        while left:
            data = os.pread(fd, min(left, 8 << 20), offset + length - left)
            if not data:
                break
            write_all(self.out, [data])
            left -= len(data)
        self.advance(length - left)

    def write(self, data: Buffer) -> None:
        self.advance(write_all(self.out, [data]))

    def advance(self, n: int) -> None:
        self.done += n
        if self.done - self._synced >= WRITEBACK_EVERY:
            start_writeback(self.out, self._synced, self.done - self._synced)
            self._synced = self.done


def copy_verified(
    store: ObjectStore, oid: str, out: int, progress: Callable[[int], None] | None
) -> str:
    """Write file ``oid`` to ``out``; returns the hex BLAKE3 of what was written."""
    kind, payload = store.decode(oid)
    copier = _Copier(out)
    if kind != KIND_MANIFEST:
        copier.write(payload)
        if progress:
            progress(copier.done)
        return blake3.blake3(payload).hexdigest()
    chunks = store.codec.parse_manifest(oid, payload).chunks
    biggest = max((size for _, size in chunks), default=0)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlversion-hash") as pool:
        hasher = _Hasher(store, pool, biggest)
        try:
            for cid, size in chunks:
                found = _raw_range(store, cid, size)
                if found is not None:
                    try:
                        copier.copy(found[0].fd, found[1], size)
                    except BaseException:
                        store.packs.release(found[0])
                        raise
                    hasher.add(found, size)  # the job releases the lease once hashed
                else:
                    ckind, data = store.decode_chunk(oid, cid)
                    data = data if ckind == KIND_BLOB else b""  # the hash check reports it
                    hasher.add(data, len(data))
                    copier.write(data)
                if progress:
                    progress(copier.done)
        finally:
            digest = hasher.finish()
    return digest

"""Fast verified copy of a stored file into an open file descriptor.

Raw (uncompressed) chunks are copied inside the kernel with ``copy_file_range`` while a second
thread hashes the same bytes from read-only maps of the packs (no copy into memory), so copying
and hashing use both cores; writeback is started every few MiB so the final fsync has little
left. When the kernel cannot copy between the two file systems (a store on a team volume, the
project on a local disk) the bytes go through memory instead.

A queued hash job holds its pack's map, which holds the file open: any number of packs can be
read at once, and a pack a concurrent repack removed stays readable until it is hashed.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import blake3

from ..atomic import Buffer, write_all
from .encoding import ENC_RAW, HEADER_LEN, KIND_BLOB, KIND_MANIFEST, MAGIC
from .fsutil import WRITEBACK_EVERY, start_writeback

if TYPE_CHECKING:
    from .objectstore import ObjectStore

_RAW_HEADER = MAGIC + KIND_BLOB.encode() + ENC_RAW.encode()
#: Bytes of chunks per hashing job (fewer hand-overs between the threads).
_JOB_BYTES = 8 << 20
#: Jobs queued but not finished; bounds the maps and the memory of decoded chunks held.
_IN_FLIGHT = 8
#: Pack maps one restore keeps; an older one is unmapped once its queued jobs are done.
_MAPS = 32
#: copy_file_range cannot cross these (other file system, old kernel, special files).
_NO_KERNEL_COPY = {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM}

# A range is (pack map, offset, length) of raw chunk bytes; bytes are a decoded chunk.
_Range = tuple[mmap.mmap, int, int]


class _Hasher:
    """Feeds the whole-file hash on a worker thread, in file order, a job per few MiB."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.whole = blake3.blake3()
        self._pool = pool
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
        for piece in job:
            if isinstance(piece, tuple):
                mapped, offset, length = piece
                with memoryview(mapped) as whole, whole[offset : offset + length] as view:
                    self.whole.update(view)
            else:
                self.whole.update(piece)


def _drop_cache(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


class _Packs:
    """Maps of the packs one restore reads (for hashing and header checks)."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._maps: OrderedDict[str, mmap.mmap | None] = OrderedDict()

    def raw(self, oid: str, size: int) -> tuple[str, _Range] | None:
        """(pack stem, range) of raw packed chunk ``oid`` of ``size`` bytes; None: decode it."""
        found = self._store.packs.locate(oid)
        if found is None:
            return None
        stem, (offset, length) = found
        if length - HEADER_LEN != size:
            return None
        mapped = self._map(stem)
        # Past the end of a (damaged, short) pack a map raises SIGBUS: decoding reports it.
        if mapped is None or offset + length > len(mapped):
            return None
        if mapped[offset : offset + HEADER_LEN] != _RAW_HEADER:
            return None
        return stem, (mapped, offset + HEADER_LEN, size)

    def _map(self, stem: str) -> mmap.mmap | None:
        if stem in self._maps:
            self._maps.move_to_end(stem)
            return self._maps[stem]
        mapped: mmap.mmap | None
        try:
            with self._store.packs.lease(stem) as fd:
                mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            return None  # repacked meanwhile: decoding finds the object's new home
        except (OSError, ValueError):
            mapped = None  # an empty pack, or a file system that cannot map
        self._maps[stem] = mapped
        if len(self._maps) > _MAPS:
            self._maps.popitem(last=False)  # unmapped when its queued jobs let go of it
        return mapped


class _Copier:
    """Copies ranges into ``out``: in the kernel while it can, else through memory."""

    def __init__(self, out: int) -> None:
        self.out = out
        self.kernel = True
        self.done = 0
        self._synced = 0

    def copy_from(self, store: ObjectStore, stem: str, piece: _Range) -> bool:
        """Copy a raw range of pack ``stem``; False if the pack vanished (decode instead)."""
        _, offset, length = piece
        try:
            with store.packs.lease(stem) as fd:
                self.copy(fd, offset, length)
        except FileNotFoundError:
            return False
        return True

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
    store: ObjectStore,
    oid: str,
    out: int,
    progress: Callable[[int], None] | None,
    replaced: int | None = None,
) -> str:
    """Write file ``oid`` to ``out``; returns the hex BLAKE3 of what was written.

    ``replaced``: a descriptor of the file the result will replace. Its cached pages are
    dropped on the hashing thread while the copy runs, instead of by the final rename.
    """
    kind, payload = store.decode(oid)
    copier = _Copier(out)
    if kind != KIND_MANIFEST:
        copier.write(payload)
        if progress:
            progress(copier.done)
        return blake3.blake3(payload).hexdigest()
    packs = _Packs(store)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlversion-hash") as pool:
        hasher = _Hasher(pool)
        if replaced is not None:
            pool.submit(_drop_cache, replaced)
        try:
            for cid, size in store.codec.parse_manifest(oid, payload).chunks:
                found = packs.raw(cid, size)
                if found is not None and copier.copy_from(store, *found):
                    hasher.add(found[1], size)
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

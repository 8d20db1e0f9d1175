"""Fast verified copy of a stored file into an open file descriptor.

Raw (uncompressed) chunks are copied inside the kernel with ``copy_file_range`` while a second
thread re-reads the same bytes from the page cache and feeds the whole-file hash, so copying and
hashing use both cores; writeback is started every few MiB so the final fsync has little left.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import blake3

from ..atomic import Buffer, write_all
from .encoding import ENC_RAW, HEADER_LEN, KIND_BLOB, KIND_MANIFEST, MAGIC
from .fsutil import WRITEBACK_EVERY, start_writeback

if TYPE_CHECKING:
    from .objectstore import ObjectStore

# A piece is either bytes in memory or a raw byte range (fd, offset, length) of a stored record.
Piece = Buffer | tuple[int, int, int]


def _raw_range(store: ObjectStore, oid: str) -> tuple[int, int, int] | None:
    """(fd, offset, length) of a raw-encoded packed chunk's bytes, or None to decode it instead."""
    found = store.packs.locate(oid)
    if found is None:
        return None
    stem, (offset, length) = found
    try:
        fd = store.packs.fd(stem)
    except FileNotFoundError:
        return None
    head = os.pread(fd, HEADER_LEN, offset)
    if head != MAGIC + KIND_BLOB.encode() + ENC_RAW.encode():
        return None
    return fd, offset + HEADER_LEN, length - HEADER_LEN


def _pieces(store: ObjectStore, oid: str) -> Iterator[Piece]:
    kind, payload = store.decode(oid)
    if kind != KIND_MANIFEST:
        yield payload
        return
    for cid, size in store.codec.parse_manifest(oid, payload).chunks:
        found = _raw_range(store, cid)
        if found is not None and found[2] == size:
            yield found
            continue
        ckind, data = store.decode_chunk(oid, cid)
        yield data if ckind == KIND_BLOB else b""


def copy_verified(
    store: ObjectStore, oid: str, out: int, progress: Callable[[int], None] | None
) -> str:
    """Write file ``oid`` to ``out``; returns the hex BLAKE3 of what was written."""
    whole = blake3.blake3()

    def hash_range(fd: int, offset: int, length: int) -> None:
        whole.update(os.pread(fd, length, offset))

    def hash_bytes(data: bytes) -> None:
        whole.update(data)

    done = 0
    synced = 0
    with ThreadPoolExecutor(max_workers=1) as hasher:
        pending = []
        for piece in _pieces(store, oid):
            if isinstance(piece, tuple):
                fd, offset, length = piece
                # One worker runs jobs in order, so the hash sees bytes in file order.
                pending.append(hasher.submit(hash_range, fd, offset, length))
                left = length
                while left:
                    n = os.copy_file_range(fd, out, left, offset + length - left)
                    if n == 0:  # short pack: the hash check below reports the corruption
                        break
                    left -= n
                done += length - left
            else:
                data = bytes(piece)
                pending.append(hasher.submit(hash_bytes, data))
                done += write_all(out, [data])
            if done - synced >= WRITEBACK_EVERY:
                start_writeback(out, synced, done - synced)
                synced = done
            if len(pending) > 64:
                pending.pop(0).result()
            if progress:
                progress(done)
        for job in pending:
            job.result()
    return whole.hexdigest()

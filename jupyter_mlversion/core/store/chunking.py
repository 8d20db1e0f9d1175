"""Cut a file into content-defined chunks and hash them, on two threads.

The calling thread reads large blocks and finds chunk boundaries; a worker thread computes each
chunk's id and the whole-file hash from the same buffers (BLAKE3 releases the GIL), so hashing
overlaps reading, cutting and the caller's writes. Every byte is read once and never copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import blake3
import pyfastcdc

_BLOCK = 16 << 20
_BUFFERS = 2  # one being read and cut while the other is hashed, then written by the caller


@dataclass
class Cut:
    """The chunks of one block: their bytes (views into a live buffer) and ids."""

    views: list[memoryview]
    ids: list[str]


def cut_and_hash(
    handle: BinaryIO, cdc: pyfastcdc.FastCDC, max_chunk: int, whole: blake3.blake3
) -> Iterator[Cut]:
    """Yield the file's chunks block by block; ``whole`` is fed every byte in order.

    A block's views stay valid until the caller asks for the next block. Boundaries do not
    depend on block size: the bytes after a block's last content-defined boundary are carried
    to the front of the next buffer and cut again.
    """
    buffers = [bytearray(_BLOCK + max_chunk) for _ in range(_BUFFERS)]
    carry: memoryview | bytes = b""
    turn = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlversion-hash") as worker:
        pending: Future[list[str]] | None = None
        pending_views: list[memoryview] = []
        while True:
            buf = memoryview(buffers[turn % _BUFFERS])
            turn += 1
            head = len(carry)
            buf[:head] = carry
            filled = head
            while filled < len(buf):
                n = handle.readinto(buf[filled:])  # type: ignore[attr-defined]
                if not n:
                    break
                filled += n
            end = filled < len(buf)
            if filled == 0:
                break
            views = [buf[c.offset : c.offset + c.length] for c in cdc.cut_buf(buf[:filled])]
            # The last chunk was cut only by the end of the buffer: it goes to the front of the
            # other buffer and is cut again with what follows.
            carry = views.pop() if not end and len(views) > 1 else b""
            job = worker.submit(_hash_chunks, views, whole)
            if pending is not None:
                yield Cut(pending_views, pending.result())
            pending, pending_views = job, views
            if end and not carry:
                break
        if pending is not None:
            yield Cut(pending_views, pending.result())


def _hash_chunks(views: list[memoryview], whole: blake3.blake3) -> list[str]:
    ids = []
    for view in views:
        whole.update(view)
        ids.append(blake3.blake3(view).hexdigest())
    return ids

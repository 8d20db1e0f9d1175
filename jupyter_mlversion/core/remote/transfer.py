"""Moving object records between the local store and a remote, in parallel, verified.

Uploads read each record in the calling thread (the store is not thread-safe) and hand packs
of them to a bounded pool; downloads fetch in the pool and verify and store in the calling
thread, inside one store batch, so a corrupt object leaves the local store as it was.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..errors import CorruptObjectError, MissingObjectError, RemoteCorruptError
from ..progress import Meter
from ..store.encoding import KIND_MANIFEST
from ..store.packs import encode_index
from .backends import WORKERS, Backend
from .faults import Absent
from .packs import (
    PACK_BYTES,
    RemoteIndex,
    Span,
    index_key,
    index_name,
    pack_key,
    plan_reads,
    read_span,
)

if TYPE_CHECKING:
    from ..store import ObjectStore

Report = Callable[[int, str], None]


def record_size(store: ObjectStore, oid: str) -> int:
    """Bytes of ``oid``'s record in the store (for progress), 0 when unknown."""
    found = store.packs.locate(oid)
    if found is not None:
        return int(found[1][1])
    try:
        return os.stat(store.loose_path(oid)).st_size
    except OSError:
        return 0


def objects_of(store: ObjectStore, file_ids: Iterable[str]) -> list[str]:
    """Every object the files need (their blob or manifest, then each chunk), once each."""
    needed: dict[str, None] = {}
    for fid in file_ids:
        if fid in needed:
            continue
        needed[fid] = None
        manifest = store.manifest(fid)
        if manifest is not None:
            needed.update((cid, None) for cid, _ in manifest.chunks)
    return list(needed)


def missing_on(index: RemoteIndex, oids: Sequence[str]) -> list[str]:
    """The ids among ``oids`` that no pack of the remote holds."""
    return [o for o in oids if index.locate(o) is None]


def upload(backend: Backend, store: ObjectStore, oids: Sequence[str], meter: Meter) -> int:
    """Put every record of ``oids`` on the remote in packs; returns the bytes sent.

    Records are read in the calling thread and gathered into packs of about ``PACK_BYTES``;
    each pack goes up (then its index) in the pool while the next one is gathered.
    """
    sent = 0
    pending: deque[tuple[Future[None], int, str]] = deque()

    def settle(limit: int) -> None:
        nonlocal sent
        while len(pending) > limit:
            future, size, name = pending.popleft()
            future.result()
            sent += size
            meter.report(sent, f"uploading to {backend.name}: pack {name[:12]}")

    def send(name: str, pack: bytes, index: bytes) -> None:
        backend.put(pack_key(name), pack)
        backend.put(index_key(name), index)

    with ThreadPoolExecutor(WORKERS) as pool:
        try:
            records: list[bytes] = []
            entries: dict[str, tuple[int, int]] = {}
            size = 0
            for number, oid in enumerate(oids):
                record = store.record(oid)
                entries[oid] = (size, len(record))
                records.append(record)
                size += len(record)
                if size >= PACK_BYTES or number == len(oids) - 1:
                    index = encode_index(entries)
                    name = index_name(index)
                    pack = b"".join(records)
                    pending.append((pool.submit(send, name, pack, index), size, name))
                    records, entries, size = [], {}, 0
                    settle(WORKERS)
            settle(0)
        except BaseException:
            for future, _, _ in pending:
                future.cancel()
            raise
    return sent


def verified(backend: Backend, store: ObjectStore, oid: str, record: bytes, key: str) -> bytes:
    """``record`` (read from ``key``) if it is a sound encoding of ``oid``; else
    RemoteCorruptError."""
    try:
        store.check_record(oid, record)
    except CorruptObjectError:
        raise RemoteCorruptError(
            f"{backend.where}: object {oid} in {key} is corrupt (its bytes do not match its "
            "id); it was refused and nothing changed locally; push it again from a clone that "
            "has it"
        ) from None
    return record


def _missing(backends: Sequence[Backend], oid: str) -> MissingObjectError:
    names = ", ".join(b.where for b in backends)
    return MissingObjectError(
        f"object {oid} is neither in the local store nor on {names}; push it from a "
        "clone that has it"
    )


def download(
    indexes: Sequence[RemoteIndex], store: ObjectStore, oids: Sequence[str], report: Report | None
) -> int:
    """Fetch, verify and store each record of ``oids`` (first remote that has it wins).

    Records come by ranged reads of packs, neighbours in one request. Call inside
    ``store.batch()``. Returns the bytes received. MissingObjectError when no remote
    has an object.
    """
    backends = [i.backend for i in indexes]
    reads, absent = plan_reads(indexes, oids)
    if absent:
        raise _missing(backends, absent[0])
    received = 0

    def fetch_span(index: RemoteIndex, span: Span) -> list[tuple[Backend, str, str, bytes]]:
        key = pack_key(span.pack)
        try:
            return [(index.backend, key, o, r) for o, r in read_span(index.backend, span)]
        except Absent:
            raise _missing(backends, span.parts[0][0]) from None

    with ThreadPoolExecutor(WORKERS) as pool:
        todo = iter(reads)
        futures: deque[Future[list[tuple[Backend, str, str, bytes]]]] = deque()
        try:
            while True:
                # At most twice the pool's width read ahead, so memory stays bounded.
                for index, span in itertools.islice(todo, WORKERS * 2 - len(futures)):
                    futures.append(pool.submit(fetch_span, index, span))
                if not futures:
                    break
                for backend, key, oid, record in futures.popleft().result():
                    store.put_record(oid, verified(backend, store, oid, record, key))
                    received += len(record)
                    if report is not None:
                        report(received, f"downloading from {backend.name}: {oid[:12]}")
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return received


def fetch_one(indexes: Sequence[RemoteIndex], store: ObjectStore, oid: str) -> bytes | None:
    """The verified record of ``oid`` from the first remote that has it, or None."""
    reads, _ = plan_reads(indexes, [oid])
    for index, span in reads:
        try:
            ((_, record),) = read_span(index.backend, span)
        except Absent:
            continue
        return verified(index.backend, store, oid, record, pack_key(span.pack))
    return None


def fetch_files(
    indexes: Sequence[RemoteIndex],
    store: ObjectStore,
    file_ids: Iterable[str],
    report: Report | None,
) -> tuple[int, int]:
    """Bring every object the files need into the store; returns (objects, bytes) received."""
    wanted = [f for f in dict.fromkeys(file_ids) if not store.has(f)]
    count = received = 0
    with store.batch():
        if wanted:
            received += download(indexes, store, wanted, report)
            count += len(wanted)
        chunks: list[str] = []
        for fid in dict.fromkeys(file_ids):
            kind, payload = store.decode(fid)
            if kind == KIND_MANIFEST:
                manifest = store.codec.parse_manifest(fid, payload)
                chunks += [c for c, _ in manifest.chunks if not store.has(c)]
        chunks = list(dict.fromkeys(chunks))
        if chunks:
            base = received

            def shifted(done: int, label: str) -> None:
                if report is not None:
                    report(base + done, label)

            received += download(indexes, store, chunks, shifted)
            count += len(chunks)
    return count, received

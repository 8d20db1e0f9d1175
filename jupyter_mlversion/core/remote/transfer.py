"""Moving object records between the local store and a remote, in parallel, verified.

Uploads read each record in the calling thread (the store is not thread-safe) and hand the
bytes to a bounded pool; downloads fetch in the pool and verify and store in the calling
thread, inside one store batch, so a corrupt object leaves the local store as it was.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..errors import CorruptObjectError, MissingObjectError, RemoteCorruptError
from ..progress import Meter
from ..store.encoding import KIND_MANIFEST
from .backends import WORKERS, Backend
from .faults import Absent
from .layout import object_key

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


def missing_on(backend: Backend, oids: Sequence[str]) -> list[str]:
    """The ids among ``oids`` the remote lacks (one HEAD each, in parallel)."""
    if not oids:
        return []
    with ThreadPoolExecutor(WORKERS) as pool:
        present = list(pool.map(lambda o: backend.exists(object_key(o)), oids))
    return [o for o, here in zip(oids, present, strict=True) if not here]


def upload(backend: Backend, store: ObjectStore, oids: Sequence[str], meter: Meter) -> int:
    """Put every record of ``oids`` on the remote; returns the bytes sent."""
    sent = 0
    pending: deque[tuple[Future[None], int, str]] = deque()

    def settle(limit: int) -> None:
        nonlocal sent
        while len(pending) > limit:
            future, size, oid = pending.popleft()
            future.result()
            sent += size
            meter.report(sent, f"uploading to {backend.name}: {oid[:12]}")

    with ThreadPoolExecutor(WORKERS) as pool:
        try:
            for oid in oids:
                record = store.record(oid)
                pending.append(
                    (pool.submit(backend.put, object_key(oid), record), len(record), oid)
                )
                settle(WORKERS * 2)
            settle(0)
        except BaseException:
            for future, _, _ in pending:
                future.cancel()
            raise
    return sent


def verified(backend: Backend, store: ObjectStore, oid: str, record: bytes) -> bytes:
    """``record`` if it is a sound encoding of ``oid``; else RemoteCorruptError."""
    try:
        store.check_record(oid, record)
    except CorruptObjectError:
        raise RemoteCorruptError(
            f"{backend.where}: object {object_key(oid)} is corrupt (its bytes do not match its "
            "id); it was refused and nothing changed locally; push it again from a clone "
            "that has it"
        ) from None
    return record


def download(
    backends: Sequence[Backend], store: ObjectStore, oids: Sequence[str], report: Report | None
) -> int:
    """Fetch, verify and store each record of ``oids`` (first remote that has it wins).

    Call inside ``store.batch()``. Returns the bytes received. MissingObjectError when no
    remote has an object.
    """
    received = 0

    def fetch(oid: str) -> tuple[Backend, bytes]:
        for backend in backends:
            try:
                return backend, backend.get(object_key(oid))
            except Absent:
                continue
        names = ", ".join(b.where for b in backends)
        raise MissingObjectError(
            f"object {oid} is neither in the local store nor on {names}; push it from a "
            "clone that has it"
        )

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = deque((oid, pool.submit(fetch, oid)) for oid in oids)
        try:
            while futures:
                oid, future = futures.popleft()
                backend, record = future.result()
                store.put_record(oid, verified(backend, store, oid, record))
                received += len(record)
                if report is not None:
                    report(received, f"downloading from {backend.name}: {oid[:12]}")
        except BaseException:
            for _, future in futures:
                future.cancel()
            raise
    return received


def fetch_files(
    backends: Sequence[Backend], store: ObjectStore, file_ids: Iterable[str], report: Report | None
) -> tuple[int, int]:
    """Bring every object the files need into the store; returns (objects, bytes) received."""
    wanted = [f for f in dict.fromkeys(file_ids) if not store.has(f)]
    count = received = 0
    with store.batch():
        if wanted:
            received += download(backends, store, wanted, report)
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

            received += download(backends, store, chunks, shifted)
            count += len(chunks)
    return count, received

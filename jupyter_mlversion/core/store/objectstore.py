"""The content-addressed object store: put files in, stream them back verified.

A file's id is the BLAKE3 of its bytes. A file that is one chunk is one blob stored under its
id; a bigger file is stored as its content-defined chunks plus a manifest under the file's id.
Single objects written outside a batch are loose files ``<root>/<id[:2]>/<id[2:]>``; objects
written inside :meth:`ObjectStore.batch` (and every multi-chunk file) go to one pack file, so
many small files or thousands of chunks cost one file creation and one fsync.

Not thread-safe: use one ``ObjectStore`` per thread. Many processes may share a store.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import blake3
import pyfastcdc

from ..atomic import Buffer, atomic_writer, fsync_dir, write_all
from ..errors import (
    CorruptObjectError,
    FileChangedError,
    MissingObjectError,
    StorageFullError,
)
from ..shared import make_dir
from . import chunking
from .encoding import KIND_BLOB, KIND_MANIFEST, Codec, Manifest, _corrupt
from .packs import PackSet, PackWriter
from .reading import (
    FileChanged,
    check_unchanged,
    open_regular,
    read_error,
    signature,
)

# Store callbacks get a running count (bytes of this file so far), never an increment.
Progress = Callable[[int], None]
#: Asked for a record the store lacks (a remote, for a lazy clone): its checked bytes or None.
Fallback = Callable[["ObjectStore", str], bytes | None]

KiB = 1024
#: Seconds between looks for objects other processes stored (packs, loose folders).
_RECHECK_S = 0.5
MiB = 1024 * KiB
#: Once there are more packs than this, the small ones are merged after a batch (0: never).
REPACK_THRESHOLD = 32


class ObjectStore:
    """Objects under ``root`` (``<project>/.mlversion/objects``)."""

    def __init__(
        self,
        root: Path,
        *,
        avg_chunk: int = 512 * KiB,
        min_chunk: int = 128 * KiB,
        max_chunk: int = 2 * MiB,
        compression_level: int = 3,
        repack_threshold: int = REPACK_THRESHOLD,
    ) -> None:
        self.root = Path(root)
        make_dir(self.root, parents=True)
        self.pack_dir = self.root / "pack"
        self.min_chunk = min_chunk
        self.repack_threshold = repack_threshold
        self._cdc = pyfastcdc.FastCDC(avg_chunk, min_size=min_chunk, max_size=max_chunk)
        self._codec = Codec(compression_level)
        self._packs = PackSet(self.pack_dir)
        self._packs.refresh()
        self._writer: PackWriter | None = None
        self._root_str = str(self.root)
        self._checked_at = float("-inf")
        self._loose_dirs: set[str] = set()
        #: Where records missing here come from (set by the project when it has remotes).
        self.fallback: Fallback | None = None

    # -- writing -----------------------------------------------------------
    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Collect every object written inside into one pack, published atomically at the end.

        On exit the objects are durable; on an exception none of them becomes visible.
        Nested batches join the outer one.
        """
        if self._writer is not None:
            yield
            return
        writer = PackWriter(self.pack_dir)
        self._writer = writer
        try:
            yield
        except BaseException:
            writer.abort()
            raise
        else:
            done = writer.commit()
            if done is not None:
                self._packs.add(*done)
        finally:
            self._writer = None
        self._consolidate()

    def _consolidate(self) -> None:
        """Merge small packs once there are more than the threshold (an optimisation only)."""
        from . import repack

        self._packs.refresh(cheap=True)
        if len(self._packs.stems()) <= self.repack_threshold or self.repack_threshold <= 0:
            return
        chosen = repack.choose(repack.pack_sizes(self), self.repack_threshold)
        if chosen:
            # The batch's objects are durable already: a failed merge (a full disk) changes
            # nothing and is retried after a later batch.
            with contextlib.suppress(StorageFullError, OSError):
                repack.repack(self, chosen)

    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` as one blob; returns its id."""
        oid = blake3.blake3(data).hexdigest()
        if not self._known(oid):
            compress = self._codec.pays_to_compress(data[: self.min_chunk])
            self._write(oid, self._codec.encode_blob(data, compress=compress))
        return oid

    def put_file(self, path: Path, *, progress: Progress | None = None) -> tuple[str, int]:
        """Store the file at ``path``; returns (id, size).

        A file that changes while it is read is read once more, then FileChangedError.
        """
        path = Path(path)
        for _ in range(2):
            try:
                return self._put_file_once(path, progress)
            except FileChanged:
                continue
        raise FileChangedError(
            f"{path} kept changing while it was being read, so it was not stored; "
            "wait for the program writing it to finish and try again"
        )

    def _put_file_once(self, path: Path, progress: Progress | None) -> tuple[str, int]:
        small = self._put_small(path)
        if small is not None:
            if progress:
                progress(small[1])
            return small
        handle, sig = open_regular(path)
        with handle:
            try:
                if sig[0] <= self.min_chunk:
                    # Too small to be cut: one read, one blob.
                    data = handle.read() or b""
                    check_unchanged(path, handle, sig)
                    oid = self.put_bytes(data)
                    if progress:
                        progress(len(data))
                    return oid, len(data)
                with self.batch():
                    return self._put_chunked(path, handle, sig, progress)
            except OSError as exc:
                raise read_error(path, exc) from exc

    def _put_small(self, path: Path) -> tuple[str, int] | None:
        """Store a small regular file with a handful of syscalls; None: take the general path.

        Many small files are the common case in a dataset folder, where Python file objects and
        extra stats cost more than the bytes. Errors also go to the general path, which names them.
        """
        try:
            # O_NONBLOCK: opening a FIFO must not hang; it changes nothing for regular files.
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > self.min_chunk:
                return None
            data = os.read(fd, st.st_size + 1)  # one byte more than expected shows growth
            sig = signature(st)
            if (
                len(data) != st.st_size
                or signature(os.fstat(fd)) != sig
                or signature(os.stat(path)) != sig
            ):
                raise FileChanged
        except FileChanged:
            raise
        except OSError:
            return None
        finally:
            os.close(fd)
        return self.put_bytes(data), len(data)

    def _put_chunked(
        self, path: Path, handle: object, sig: tuple[int, ...], progress: Progress | None
    ) -> tuple[str, int]:
        whole = blake3.blake3()
        chunks: list[tuple[str, int]] = []
        compress: bool | None = None
        done = 0
        max_chunk = self._cdc.max_size
        for cut in chunking.cut_and_hash(handle, self._cdc, max_chunk, whole):  # type: ignore[arg-type]
            for data, cid in zip(cut.views, cut.ids, strict=True):
                if compress is None:
                    compress = self._codec.pays_to_compress(data)
                if not self._known(cid):
                    self._write(cid, self._codec.encode_blob(data, compress=compress))
                chunks.append((cid, len(data)))
                done += len(data)
                if progress:
                    progress(done)
        check_unchanged(path, handle, sig)  # type: ignore[arg-type]
        oid = whole.hexdigest()
        if len(chunks) > 1 and not self._known(oid):
            manifest = Manifest(size=done, chunks=tuple(chunks))
            self._write(oid, self._codec.encode_manifest(manifest))
        return oid, done

    def put_record(self, oid: str, record: bytes) -> None:
        """Keep an encoded record the caller has checked (see :meth:`check_record`)."""
        if not self._known(oid):
            self._write(oid, [record])

    def _write(self, oid: str, parts: list[Buffer]) -> None:
        """Write one record: into the open batch, else as a loose object."""
        if self._writer is not None:
            self._writer.add(oid, parts)
            return
        folder = self.root / oid[:2]
        if not folder.is_dir():
            make_dir(folder)
            fsync_dir(self.root)
        self._loose_dirs.add(oid[:2])
        with atomic_writer(folder / oid[2:], mode=0o444, overwrite=False) as out:
            write_all(out.fileno(), parts)

    def _known(self, oid: str) -> bool:
        """Cheap existence test for dedup: a stale 'no' only costs a duplicate copy."""
        if self._writer is not None and oid in self._writer.entries:
            return True
        if self._packs.locate(oid) is not None:
            return True
        # Look for packs and loose folders other writers created at most every so often: with
        # thousands of small new objects a stat or two each would cost more than they save.
        now = time.monotonic()
        if now - self._checked_at >= _RECHECK_S:
            self._checked_at = now
            self._loose_dirs = {n for n in os.listdir(self.root) if len(n) == 2}
            self._packs.refresh(cheap=True)
            if self._packs.locate(oid) is not None:
                return True
        return oid[:2] in self._loose_dirs and os.path.exists(
            f"{self._root_str}/{oid[:2]}/{oid[2:]}"
        )

    # -- reading -----------------------------------------------------------
    def has(self, oid: str) -> bool:
        """True if the object (blob or manifest) ``oid`` is in the store."""
        if self._known(oid):
            return True
        self._packs.refresh()
        return self._packs.locate(oid) is not None

    def record(self, oid: str) -> bytes:
        """The encoded record of ``oid``; MissingObjectError if absent."""
        if self._writer is not None:
            pending = self._writer.read(oid)
            if pending is not None:
                return pending
        for attempt in range(2):
            found = self._packs.locate(oid)
            if found is not None:
                try:
                    return self._packs.read(*found)
                except FileNotFoundError:
                    pass  # removed by a concurrent gc; its objects were repacked or are loose
            try:
                return self._loose_path(oid).read_bytes()
            except FileNotFoundError:
                pass
            if attempt == 0:
                self._packs.refresh()
        if self.fallback is not None:
            fetched = self.fallback(self, oid)
            if fetched is not None:
                self.put_record(oid, fetched)
                return fetched
        raise MissingObjectError(
            f"object {oid} is missing from the store at {self.root}; "
            "it may have been removed by gc or never copied here"
        )

    def decode(self, oid: str) -> tuple[str, Buffer]:
        """(kind, raw payload) of ``oid``; not hash-checked."""
        return self._codec.decode(oid, self.record(oid))

    def decode_chunk(self, file_oid: str, cid: str) -> tuple[str, Buffer]:
        """(kind, raw payload) of chunk ``cid`` of file ``file_oid``; names both when missing."""
        try:
            return self.decode(cid)
        except MissingObjectError as exc:
            raise MissingObjectError(
                f"chunk {cid} of file {file_oid} is missing from the store at {self.root}; "
                "the file cannot be rebuilt from this store"
            ) from exc

    def manifest(self, oid: str) -> Manifest | None:
        """The chunk list of a multi-chunk file, None for a single-blob file."""
        kind, payload = self.decode(oid)
        if kind == KIND_MANIFEST:
            return self._codec.parse_manifest(oid, payload)
        return None

    def file_size(self, oid: str) -> int:
        """Size in bytes of the file ``oid``."""
        kind, payload = self.decode(oid)
        if kind == KIND_MANIFEST:
            return self._codec.parse_manifest(oid, payload).size
        return len(payload)

    def _iter_pieces(self, oid: str, *, verify_chunks: bool) -> Iterator[Buffer]:
        """The file's bytes piece by piece; each chunk checked against its id if asked."""
        kind, payload = self.decode(oid)
        if kind == KIND_BLOB:
            yield payload
            return
        for cid, size in self._codec.parse_manifest(oid, payload).chunks:
            ckind, data = self.decode_chunk(oid, cid)
            if ckind != KIND_BLOB or len(data) != size:
                raise _corrupt(cid, f"it is not the {size}-byte chunk file {oid} needs")
            if verify_chunks and blake3.blake3(data).hexdigest() != cid:
                raise _corrupt(cid, f"its bytes do not match its id (a chunk of file {oid})")
            yield data

    def iter_bytes(self, oid: str) -> Iterator[bytes]:
        """Stream the file ``oid``; every piece is verified before it is yielded."""
        kind, payload = self.decode(oid)
        if kind == KIND_BLOB:
            if blake3.blake3(payload).hexdigest() != oid:
                raise _corrupt(oid, "its bytes do not match its id")
            yield bytes(payload)
            return
        whole = blake3.blake3()
        for piece in self._iter_pieces(oid, verify_chunks=True):
            whole.update(piece)
            yield bytes(piece)
        if whole.hexdigest() != oid:
            raise _corrupt(oid, "the file rebuilt from its chunks does not match its id")

    def read_bytes(self, oid: str) -> bytes:
        """The whole file ``oid`` in memory (small files only), verified."""
        return b"".join(self.iter_bytes(oid))

    def restore_to(self, oid: str, dest: Path, *, progress: Progress | None = None) -> None:
        """Write file ``oid`` to ``dest`` atomically: temp file beside it, verify, fsync, rename.

        Keeps ``dest``'s permission bits when it exists; ``dest`` is untouched on any error.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        from . import restore  # ctypes and threads: only restores need them
        from .release import release

        with contextlib.ExitStack() as stack:
            replaced = None
            with contextlib.suppress(OSError):
                replaced = os.open(dest, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
                stack.callback(release, replaced)
            with atomic_writer(dest, keep_mode=True) as out:
                # Chunks are not hashed one by one: the whole-file hash proves them all.
                digest = restore.copy_verified(self, oid, out.fileno(), progress, replaced)
                if digest != oid:
                    self._name_corruption(oid)

    def _name_corruption(self, oid: str) -> None:
        """Raise CorruptObjectError naming the bad chunk when one is to blame."""
        for _ in self._iter_pieces(oid, verify_chunks=True):
            pass
        raise _corrupt(oid, "the file rebuilt from its chunks does not match its id")

    # -- housekeeping --------------------------------------------------------
    def reachable(self, file_ids: Iterable[str]) -> set[str]:
        """Every object id (manifests and chunks) the files ``file_ids`` need."""
        from . import maintenance

        return maintenance.reachable(self, file_ids, missing_ok=False)

    def verify(
        self, *, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, list[str]]:
        """Re-hash every stored object; returns (objects checked, ids found corrupt).

        ``progress(checked, total)`` counts objects.
        """
        from . import maintenance

        return maintenance.verify(self, progress=progress)

    def gc(
        self, keep_file_ids: Iterable[str], *, dry_run: bool, temp_age: float = 3600.0
    ) -> tuple[int, int]:
        """Remove objects no kept file needs, and temp files older than ``temp_age`` seconds.

        Returns (objects removed, or removable with ``dry_run``; their stored bytes).
        """
        from . import maintenance

        return maintenance.gc(self, set(keep_file_ids), dry_run=dry_run, temp_age=temp_age)

    def repack(self) -> int:
        """Merge every pack into one (loose objects stay loose); returns the records it holds.

        Safe while other processes read: old packs go only after the new one is durable.
        """
        from . import repack

        self._packs.refresh()
        stems = self._packs.stems()
        return repack.repack(self, stems) if len(stems) > 1 else 0

    def close(self) -> None:
        """Close open pack handles."""
        self._packs.close()

    # -- internals shared with maintenance --------------------------------------
    @property
    def packs(self) -> PackSet:
        """The store's pack set."""
        return self._packs

    @property
    def codec(self) -> Codec:
        """The store's codec."""
        return self._codec

    def _loose_path(self, oid: str) -> Path:
        return self.root / oid[:2] / oid[2:]

    def loose_path(self, oid: str) -> Path:
        """Where the loose copy of ``oid`` lives (it may not exist)."""
        return self._loose_path(oid)

    def check_record(self, oid: str, record: Buffer) -> None:
        """Raise CorruptObjectError unless ``record`` is a sound encoding of ``oid``."""
        kind, payload = self._codec.decode(oid, record)
        if kind == KIND_MANIFEST:
            self._codec.parse_manifest(oid, payload)
        elif blake3.blake3(payload).hexdigest() != oid:
            raise CorruptObjectError(f"object {oid} is corrupt: its bytes do not match its id")

"""Pack files: many object records in one file, found through a sorted index file.

``pack/pack-<name>.pack`` holds records back to back; ``pack/pack-<name>.idx`` lists
(id, offset, length) sorted by id and ends with the BLAKE3 digest of everything before it.
A pack becomes visible only when its index appears, and the index is published last, so a
crash leaves at worst an orphan ``.pack`` or temp files that ``gc`` removes.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path

import blake3

from ..atomic import (
    Buffer,
    atomic_write,
    cleanup_on_error,
    full_error,
    is_full,
    publish,
    temp_path,
    write_all,
)
from ..shared import make_dir
from .fsutil import WRITEBACK_EVERY, start_writeback
from .handles import Handle, HandleCache

_IDX_MAGIC = b"MVIDX1\n\0"
_ENTRY = struct.Struct(">32sQQ")
_COUNT = struct.Struct(">Q")

Location = tuple[int, int]  # (offset, length) inside a pack


def encode_index(entries: dict[str, Location]) -> bytes:
    """Serialise an index: magic, count, sorted entries, digest."""
    body = bytearray(_IDX_MAGIC + _COUNT.pack(len(entries)))
    for oid in sorted(entries):
        offset, length = entries[oid]
        body += _ENTRY.pack(bytes.fromhex(oid), offset, length)
    return bytes(body) + blake3.blake3(body).digest()


def decode_index(data: bytes) -> dict[str, Location]:
    """Parse an index; ValueError if it is torn or damaged."""
    head = len(_IDX_MAGIC) + _COUNT.size
    if len(data) < head + 32 or data[: len(_IDX_MAGIC)] != _IDX_MAGIC:
        raise ValueError("not a pack index")
    body, digest = data[:-32], data[-32:]
    if blake3.blake3(body).digest() != digest:
        raise ValueError("pack index checksum mismatch")
    (count,) = _COUNT.unpack_from(body, len(_IDX_MAGIC))
    if len(body) != head + count * _ENTRY.size:
        raise ValueError("pack index length mismatch")
    return {raw.hex(): (offset, length) for raw, offset, length in _ENTRY.iter_unpack(body[head:])}


class PackWriter:
    """Appends records to a temp pack; :meth:`commit` makes them durable and visible at once."""

    def __init__(self, pack_dir: Path) -> None:
        make_dir(pack_dir, parents=True)
        self._dir = pack_dir
        self._tmp = temp_path(pack_dir, "pack-")
        # Read-write: records of the open batch are read back before it is published.
        self._fd: int | None = os.open(
            self._tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o444
        )
        self._offset = 0
        self._flushed = 0
        self.entries: dict[str, Location] = {}
        self.failed = False

    def add(self, oid: str, parts: Sequence[Buffer]) -> None:
        """Append one record (ignored if this pack already holds ``oid``)."""
        if oid in self.entries:
            return
        if self._fd is None or self.failed:
            raise RuntimeError("pack writer is closed")
        try:
            length = write_all(self._fd, parts)
        except OSError as exc:
            self.failed = True
            if is_full(exc):
                self.abort()
                raise full_error(self._dir) from exc
            raise
        self.entries[oid] = (self._offset, length)
        self._offset += length
        if self._offset - self._flushed >= WRITEBACK_EVERY:
            start_writeback(self._fd, self._flushed, self._offset - self._flushed)
            self._flushed = self._offset

    def read(self, oid: str) -> bytes | None:
        """A record written to this (not yet visible) pack, or None."""
        loc = self.entries.get(oid)
        if loc is None or self._fd is None:
            return None
        return os.pread(self._fd, loc[1], loc[0])

    def commit(self) -> tuple[str, dict[str, Location]] | None:
        """Fsync, publish the pack then its index; returns (pack stem, entries) or None if empty."""
        if self._fd is None:
            raise RuntimeError("pack writer is closed")
        if self.failed:
            self.abort()
            raise full_error(self._dir)
        if not self.entries:
            self.abort()
            return None
        index = encode_index(self.entries)
        stem = "pack-" + blake3.blake3(index).hexdigest()[:40]
        with cleanup_on_error(self._tmp, where=self._dir):
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
            # Pack first, index last: an index never points at a missing pack. The index's
            # folder fsync also makes the pack's new name durable (same folder).
            publish(self._tmp, self._dir / f"{stem}.pack")
            atomic_write(self._dir / f"{stem}.idx", index, mode=0o444, overwrite=False)
        return stem, self.entries

    def abort(self) -> None:
        """Drop everything written; nothing becomes visible."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with contextlib.suppress(OSError):
            self._tmp.unlink(missing_ok=True)


class PackSet:
    """The published packs of a store: which pack holds which id, and open handles to read them."""

    def __init__(self, pack_dir: Path) -> None:
        self._dir = pack_dir
        self._packs: dict[str, dict[str, Location]] = {}
        self._where: dict[str, str] = {}
        self._handles = HandleCache(pack_dir)
        self._dir_mtime = -1
        self.bad: list[str] = []

    def add(self, stem: str, entries: dict[str, Location]) -> None:
        """Register a pack this process just published (saves re-reading its index)."""
        self._packs[stem] = entries
        for oid in entries:
            self._where.setdefault(oid, stem)

    def refresh(self, *, cheap: bool = False) -> None:
        """Pick up packs others published or removed; ``cheap``: only if the folder changed."""
        try:
            st = self._dir.stat()
        except FileNotFoundError:
            return
        if cheap and st.st_mtime_ns == self._dir_mtime:
            return
        self._dir_mtime = st.st_mtime_ns
        names = os.listdir(self._dir)
        stems = {n[:-4] for n in names if n.endswith(".idx") and n[0] != "."}
        gone = set(self._packs) - stems
        for stem in gone:
            del self._packs[stem]
            self._handles.drop(stem)
        self.bad = []
        for stem in sorted(stems - set(self._packs)):
            try:
                self._packs[stem] = decode_index((self._dir / f"{stem}.idx").read_bytes())
            except FileNotFoundError:
                continue
            except ValueError:
                self.bad.append(stem)
        if gone:
            self._where = {}
        for stem, entries in self._packs.items():
            for oid in entries:
                self._where.setdefault(oid, stem)

    def locate(self, oid: str) -> tuple[str, Location] | None:
        """(pack stem, location) of ``oid`` among the loaded packs."""
        stem = self._where.get(oid)
        if stem is None:
            return None
        return stem, self._packs[stem][oid]

    def acquire(self, stem: str) -> Handle:
        """Lease a read handle on a pack (release it with :meth:`release`).

        FileNotFoundError if the pack was removed meanwhile. Thread-safe; a leased handle is
        never closed under its holder, however many packs are read at once.
        """
        return self._handles.acquire(stem)

    def release(self, handle: Handle) -> None:
        """End a lease from :meth:`acquire`."""
        self._handles.release(handle)

    def lease(self, stem: str) -> contextlib.AbstractContextManager[int]:
        """A pack's descriptor for the duration of a ``with`` block (see :meth:`acquire`)."""
        return self._handles.lease(stem)

    def open_handles(self) -> int:
        """How many pack handles are open."""
        return self._handles.open_count()

    def read(self, stem: str, loc: Location) -> bytes:
        """Read one record; FileNotFoundError if the pack was removed meanwhile."""
        with self._handles.lease(stem) as fd:
            # A truncated pack yields a short record, which the caller's checks report as corrupt.
            return os.pread(fd, loc[1], loc[0])

    def stems(self) -> list[str]:
        """Names of the loaded packs."""
        return sorted(self._packs)

    def entries(self, stem: str) -> dict[str, Location]:
        """Index of one loaded pack."""
        return self._packs[stem]

    def iter_records(self, stem: str) -> Iterator[tuple[str, bytes]]:
        """Every (id, record) of a pack in file order."""
        items = sorted(self._packs[stem].items(), key=lambda kv: kv[1][0])
        for oid, loc in items:
            yield oid, self.read(stem, loc)

    def forget(self, stem: str) -> None:
        """Drop a pack this process removed."""
        self._packs.pop(stem, None)
        self._handles.drop(stem)
        self._where = {}
        for name, entries in self._packs.items():
            for oid in entries:
                self._where.setdefault(oid, name)

    def close(self) -> None:
        """Close every open pack handle (leased ones as their holders release them)."""
        self._handles.close()

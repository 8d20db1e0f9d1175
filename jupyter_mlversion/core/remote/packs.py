"""Packs on a remote: many object records in one upload, found through small index files.

```
<url>/packs/<name>.pack   object records back to back, the bytes the local store keeps
<url>/packs/<name>.idx    where each record lies in the pack (the local store's index format,
                          which ends with a BLAKE3 digest); <name> is the BLAKE3 of the index
```

A push sends each pack before its index, so an index only ever names bytes that are there;
a push killed midway leaves whole packs that the next push finds and does not send again.
Readers list ``packs/`` (one request per 1,000 packs), read each index once (indexes never
change, so they are kept in ``.mlversion/remote-index/``) and fetch records with ranged
reads, neighbouring records in one request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import blake3

from ..atomic import atomic_write
from ..errors import RemoteCorruptError
from ..shared import make_dir
from ..store.packs import Location, decode_index
from .backends import WORKERS, Backend
from .faults import Absent

PREFIX = "packs/"
#: Bytes of records a push gathers into one pack before it sends it.
PACK_BYTES = 16 << 20
#: A download reads neighbouring records in one request when the gap between them is at most
#: this, up to ``SPAN`` bytes per request.
GAP = 1 << 20
SPAN = 32 << 20
_NAME = re.compile(r"[0-9a-f]{64}")


def pack_key(name: str) -> str:
    return f"{PREFIX}{name}.pack"


def index_key(name: str) -> str:
    return f"{PREFIX}{name}.idx"


def index_name(index: bytes) -> str:
    """The name of the pack whose index is ``index``."""
    return blake3.blake3(index).hexdigest()


@dataclass(frozen=True)
class Span:
    """One ranged read of a pack: ``[start, end)`` holding the records ``parts``."""

    pack: str
    start: int
    end: int
    parts: tuple[tuple[str, int, int], ...]  # (object id, offset in the pack, length)


class RemoteIndex:
    """What one remote's packs hold: object id -> (pack name, offset, length)."""

    def __init__(self, backend: Backend, cache: Path | None) -> None:
        self.backend = backend
        self._cache = cache
        self._at: dict[str, tuple[str, int, int]] = {}
        self._read: set[str] = set()

    def __len__(self) -> int:
        return len(self._at)

    def locate(self, oid: str) -> tuple[str, int, int] | None:
        return self._at.get(oid)

    def refresh(self) -> RemoteIndex:
        """Take in the indexes of packs pushed since the last look (one listing)."""
        names = []
        for key in self.backend.keys(PREFIX):
            stem = key.removeprefix(PREFIX).removesuffix(".idx")
            if key.endswith(".idx") and _NAME.fullmatch(stem) and stem not in self._read:
                names.append(stem)
        if not names:
            return self
        with ThreadPoolExecutor(WORKERS) as pool:
            for name, entries in zip(names, pool.map(self._entries, names), strict=True):
                for oid, (offset, length) in entries.items():
                    self._at.setdefault(oid, (name, offset, length))
                self._read.add(name)
        return self

    def _entries(self, name: str) -> dict[str, Location]:
        cached = self._cache / f"{name}.idx" if self._cache is not None else None
        if cached is not None:
            try:
                data = cached.read_bytes()
                if index_name(data) == name:
                    return decode_index(data)
            except (OSError, ValueError):
                pass  # missing or damaged: read it from the remote again
        try:
            data = self.backend.get(index_key(name))
        except Absent:
            return {}
        try:
            if index_name(data) != name:
                raise ValueError("its digest does not match its name")
            entries = decode_index(data)
        except ValueError as exc:
            raise RemoteCorruptError(
                f"{self.backend.where}: {index_key(name)} is corrupt ({exc}); it was refused "
                "and nothing changed locally; push again from a clone that has the data"
            ) from None
        if cached is not None:
            try:
                make_dir(cached.parent, parents=True)
                atomic_write(cached, data)
            except OSError:
                pass  # a cache: read from the remote next time
        return entries


def plan_reads(
    indexes: Sequence[RemoteIndex], oids: Sequence[str]
) -> tuple[list[tuple[RemoteIndex, Span]], list[str]]:
    """Group ``oids`` into ranged reads of packs (first remote that has one wins), and the ids
    no pack of any remote holds."""
    by_pack: dict[tuple[int, str], list[tuple[str, int, int]]] = {}
    absent = []
    for oid in oids:
        for number, index in enumerate(indexes):
            found = index.locate(oid)
            if found is not None:
                pack, offset, length = found
                by_pack.setdefault((number, pack), []).append((oid, offset, length))
                break
        else:
            absent.append(oid)
    reads: list[tuple[RemoteIndex, Span]] = []
    for (number, pack), parts in by_pack.items():
        parts.sort(key=lambda p: p[1])
        group: list[tuple[str, int, int]] = []
        for part in parts:
            if group and (
                part[1] - (group[-1][1] + group[-1][2]) > GAP
                or part[1] + part[2] - group[0][1] > SPAN
            ):
                reads.append((indexes[number], _span(pack, group)))
                group = []
            group.append(part)
        reads.append((indexes[number], _span(pack, group)))
    return reads, absent


def _span(pack: str, group: list[tuple[str, int, int]]) -> Span:
    end = max(offset + length for _, offset, length in group)
    return Span(pack, group[0][1], end, tuple(group))


def read_span(backend: Backend, span: Span) -> list[tuple[str, bytes]]:
    """The records of ``span`` from one ranged read: (object id, record) each."""
    data = backend.get_range(pack_key(span.pack), span.start, span.end - span.start)
    out = []
    for oid, offset, length in span.parts:
        at = offset - span.start
        out.append((oid, data[at : at + length]))  # a short read fails each record's check
    return out

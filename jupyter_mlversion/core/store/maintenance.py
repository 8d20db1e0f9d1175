"""Whole-store work: which objects files need, verifying every object, garbage collection."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import LEGACY_TEMP_PREFIX, TEMP_PREFIX
from ..errors import CorruptObjectError, MissingObjectError
from . import repack
from .encoding import KIND_MANIFEST

if TYPE_CHECKING:
    from .objectstore import ObjectStore

_HEX = set("0123456789abcdef")
_TEMPS = (TEMP_PREFIX, LEGACY_TEMP_PREFIX)


def reachable(store: ObjectStore, file_ids: Iterable[str], *, missing_ok: bool) -> set[str]:
    """Ids of the files' blobs or manifests plus every chunk their manifests list."""
    needed: set[str] = set()
    for oid in file_ids:
        if oid in needed:
            continue
        try:
            kind, payload = store.decode(oid)
        except MissingObjectError:
            if missing_ok:
                continue
            raise
        needed.add(oid)
        if kind == KIND_MANIFEST:
            needed.update(cid for cid, _ in store.codec.parse_manifest(oid, payload).chunks)
    return needed


def iter_loose(root: Path) -> Iterator[tuple[str, Path]]:
    """Every loose object as (id, path)."""
    for folder in sorted(root.iterdir()):
        if len(folder.name) != 2 or not set(folder.name) <= _HEX or not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not entry.name.startswith(_TEMPS):
                yield folder.name + entry.name, Path(entry.path)


def verify(
    store: ObjectStore, *, progress: Callable[[int, int], None] | None = None
) -> tuple[int, list[str]]:
    """Check every copy of every object; returns (copies checked, corrupt ids and bad packs).

    ``progress(checked, total)`` counts copies of objects, loose and packed.
    """
    store.packs.refresh()
    loose = list(iter_loose(store.root))
    stems = store.packs.stems()
    total = len(loose) + sum(len(store.packs.entries(stem)) for stem in stems)
    checked = 0
    corrupt: set[str] = {f"pack/{stem}.idx" for stem in store.packs.bad}

    def check(oid: str, record: bytes) -> None:
        nonlocal checked
        checked += 1
        try:
            store.check_record(oid, record)
        except CorruptObjectError:
            corrupt.add(oid)
        if progress:
            progress(checked, max(total, checked))

    for oid, path in loose:
        check(oid, path.read_bytes())
    for stem in stems:
        for oid, record in store.packs.iter_records(stem):
            check(oid, record)
    return checked, sorted(corrupt)


def gc(
    store: ObjectStore, keep_ids: set[str], *, dry_run: bool, temp_age: float
) -> tuple[int, int]:
    """Remove unreachable loose objects, repack packs holding dead objects, drop stale temps."""
    store.packs.refresh()
    # A kept manifest that cannot be read must stop gc: its chunks would look unreachable.
    keep = reachable(store, keep_ids, missing_ok=True)
    removed = 0
    freed = 0
    for oid, path in iter_loose(store.root):
        if oid in keep:
            continue
        removed += 1
        freed += path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    stems = store.packs.stems()
    dead_packed = 0
    for stem in stems:
        entries = store.packs.entries(stem)
        dead = [oid for oid in entries if oid not in keep]
        dead_packed += len(dead)
        freed += sum(entries[oid][1] for oid in dead)
    removed += dead_packed
    if not dry_run and (len(stems) > 1 or dead_packed):
        # Live records of every pack go to one new pack; then the old packs are removed.
        repack.repack(store, stems, keep)
    if not dry_run:
        _remove_stale(store.root, temp_age)
    return removed, freed


def _remove_stale(root: Path, temp_age: float) -> None:
    """Temp files and index-less packs older than ``temp_age``; empty fan-out folders."""
    cutoff = time.time() - temp_age
    folders = [p for p in root.iterdir() if p.is_dir()]
    for folder in folders:
        with os.scandir(folder) as it:
            names = {e.name for e in it}
        for name in names:
            orphan = name.endswith(".pack") and name[:-5] + ".idx" not in names
            if not (name.startswith(_TEMPS) or orphan):
                continue
            path = folder / name
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
        if folder.name != "pack":
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty

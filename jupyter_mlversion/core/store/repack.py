"""Consolidating packs: many small packs become one, without a moment where an object is missing.

Every snapshot writes a pack, so a store grows a pack per snapshot; reads then open ever more
files. A repack copies the records of some packs into one new pack, makes it durable and visible
(pack fsynced, published, index published and the folder fsynced), and only then removes the old
packs, index first. A reader that still knows an old pack either keeps reading its open handle
(the file lives on until closed) or, finding it gone, reloads the pack list and finds the new
pack, which was visible before the old one vanished. A crash at any point leaves the old packs,
the new one, or both (duplicates are harmless); an index-less ``.pack`` is removed by ``gc``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ..atomic import fsync_dir
from ..errors import CorruptObjectError
from .packs import PackWriter

if TYPE_CHECKING:
    from .objectstore import ObjectStore

#: A kept pack must be at least this many times the size of all smaller packs together.
_FACTOR = 2


def choose(sizes: dict[str, int], threshold: int) -> list[str]:
    """The packs to merge once there are more than ``threshold``: the small ones.

    Packs are kept while they form a geometric progression (each at least twice the size of
    all smaller ones together); the rest are merged. So a big first pack is not rewritten on
    every repack, and the number of packs stays logarithmic in the store's size.
    """
    if threshold <= 0 or len(sizes) <= threshold:
        return []
    order = sorted(sizes, key=lambda s: (sizes[s], s))
    below = 0
    cut = 0
    for i, stem in enumerate(order):
        if sizes[stem] < _FACTOR * below:
            cut = i + 1  # this pack is too small for the progression: merge it and all below
        below += sizes[stem]
    cut = max(cut, len(order) - threshold // 2 + 1)
    return order[:cut] if cut >= 2 else []


def repack(store: ObjectStore, stems: Sequence[str], keep: Collection[str] | None = None) -> int:
    """Merge ``stems`` into one new pack (only ids in ``keep`` when given); old packs removed.

    Returns how many records the new pack holds. A record that fails its check is copied only
    when no sound copy of the same object exists among the packs merged, so a repack never
    replaces a good copy by a bad one and never drops an object ``verify`` should report.
    """
    packs = store.packs
    writer = PackWriter(store.pack_dir)
    merged: list[str] = []
    damaged: dict[str, bytes] = {}
    try:
        for stem in stems:
            if _copy_pack(store, stem, writer, keep, damaged):
                merged.append(stem)
        for oid, record in damaged.items():
            writer.add(oid, [record])
    except BaseException:
        writer.abort()
        raise
    count = len(writer.entries)
    done = writer.commit()
    new_stem = None
    if done is not None:
        new_stem = done[0]
        packs.add(*done)
    for stem in merged:
        if stem != new_stem:  # the same records give the same name: it is the new pack
            _remove(store, stem)
    if merged:
        fsync_dir(store.pack_dir)
    return count


def _copy_pack(
    store: ObjectStore,
    stem: str,
    writer: PackWriter,
    keep: Collection[str] | None,
    damaged: dict[str, bytes],
) -> bool:
    """Copy one pack's (kept) records; False if it vanished meanwhile (a concurrent repack)."""
    try:
        for oid, record in store.packs.iter_records(stem):
            if keep is not None and oid not in keep:
                continue
            try:
                store.check_record(oid, record)
            except CorruptObjectError:
                if oid not in writer.entries:
                    damaged.setdefault(oid, record)
                continue
            damaged.pop(oid, None)
            writer.add(oid, [record])
    except (FileNotFoundError, KeyError):
        return False  # what it held is in the pack of whoever removed it
    return True


def _remove(store: ObjectStore, stem: str) -> None:
    """Index first, so the pack is invisible before its bytes go."""
    store.packs.forget(stem)
    for suffix in (".idx", ".pack"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(store.pack_dir / f"{stem}{suffix}")


def pack_sizes(store: ObjectStore) -> dict[str, int]:
    """Bytes of records in each loaded pack (from the indexes: no file is opened)."""
    packs = store.packs
    return {stem: sum(n for _, n in packs.entries(stem).values()) for stem in packs.stems()}

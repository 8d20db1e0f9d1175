"""A file whose chunks span many packs: restores stay correct, repack consolidates them."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from store_helpers import run_in_threads, temp_files

from jupyter_mlversion.core.store import ObjectStore
from jupyter_mlversion.core.store.repack import choose

REPO = Path(__file__).resolve().parents[3]

SEGMENT = 16 * 1024
#: Chunks small enough that a file of 150 segments stays 2.4 MB.
TINY = {"avg_chunk": 4096, "min_chunk": 1024, "max_chunk": 16384}


def _grow(store: ObjectStore, path: Path, steps: int) -> tuple[str, bytes]:
    """Store a file, then ``steps`` edits of it each in its own pack (one per snapshot).

    The final file reads mostly from the first pack with every other chunk in a newer one,
    the pattern of a big file edited over many snapshots.
    """
    rng = random.Random(7)
    data = bytearray(rng.randbytes(steps * SEGMENT))
    path.write_bytes(data)
    oid, _ = store.put_file(path)
    for i in range(steps):
        at = i * SEGMENT + SEGMENT // 2
        data[at : at + 16] = rng.randbytes(16)
        path.write_bytes(data)
        oid, _ = store.put_file(path)
    return oid, bytes(data)


def _packs_of(store: ObjectStore, oid: str) -> set[str]:
    manifest = store.manifest(oid)
    assert manifest is not None
    found = (store.packs.locate(cid) for cid, _ in manifest.chunks)
    return {hit[0] for hit in found if hit is not None}


Spread = tuple[Path, str, bytes]


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Spread:
    """A store (built once) holding a file edited over 150 snapshots: 151 packs."""
    base = tmp_path_factory.mktemp("spread")
    store = ObjectStore(base / "objects", repack_threshold=0, **TINY)
    oid, data = _grow(store, base / "big.bin", 150)
    store.close()
    return base / "objects", oid, data


@pytest.fixture
def spread_store(spread: Spread, tmp_path: Path) -> tuple[Callable[[], ObjectStore], str, bytes]:
    """A fresh copy of that store, and a factory of ObjectStores (threshold 0) on it."""
    root, oid, data = spread
    shutil.copytree(root, tmp_path / "objects")

    def make() -> ObjectStore:
        return ObjectStore(tmp_path / "objects", repack_threshold=0, **TINY)

    return make, oid, data


def test_restore_of_a_file_spread_over_150_packs(spread_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make, oid, data = spread_store
    store = make()  # no consolidation: the reads must cope alone
    assert len(_packs_of(store, oid)) > 100
    for n in range(5):
        dest = tmp_path / f"restored-{n}.bin"
        store.restore_to(oid, dest)
        assert dest.read_bytes() == data
    assert store.read_bytes(oid) == data


def test_reads_from_many_threads_share_the_handle_cache(spread_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make, oid, data = spread_store
    store = make()

    def restore(n: int) -> None:
        dest = tmp_path / f"t{n}.bin"
        store.restore_to(oid, dest)
        assert dest.read_bytes() == data
        assert store.read_bytes(oid) == data

    assert not run_in_threads(restore, 4)
    assert store.packs.open_handles() <= 64


def test_repack_keeps_every_object_and_verify_passes(spread_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make, oid, data = spread_store
    store = make()
    small = store.put_bytes(b"a loose object stays loose")
    assert store.verify()[1] == [] and len(store.packs.stems()) == 151
    ids = {i for stem in store.packs.stems() for i in store.packs.entries(stem)}
    reader = make()  # a reader that loaded the old pack list
    assert reader.has(oid)

    store.repack()
    (stem,) = store.packs.stems()
    assert set(store.packs.entries(stem)) == ids
    assert store.verify() == (len(ids) + 1, [])
    assert reader.read_bytes(oid) == data  # its stale pack list still finds every object
    dest = tmp_path / "restored.bin"
    reader.restore_to(oid, dest)
    assert dest.read_bytes() == data
    fresh = make()
    assert (
        fresh.read_bytes(oid) == data and fresh.read_bytes(small) == b"a loose object stays loose"
    )
    assert not temp_files(store.root)
    assert sorted(p.suffix for p in store.pack_dir.iterdir()) == [".idx", ".pack"]


def test_packs_are_consolidated_when_their_count_passes_the_threshold(
    tmp_path: Path,
) -> None:
    store = ObjectStore(tmp_path / "objects", repack_threshold=16, **TINY)
    oid, data = _grow(store, tmp_path / "big.bin", 60)
    assert len(store.packs.stems()) <= 16
    assert store.verify()[1] == []
    fresh = ObjectStore(tmp_path / "objects", **TINY)
    dest = tmp_path / "restored.bin"
    fresh.restore_to(oid, dest)
    assert dest.read_bytes() == data


def test_choose_merges_the_small_packs_and_keeps_a_big_first_one() -> None:
    sizes = {"big": 1 << 30, **{f"p{i:02}": 1 << 20 for i in range(40)}}
    chosen = choose(sizes, 32)
    assert "big" not in chosen and len(chosen) == 40
    assert choose(sizes, 64) == [] and choose(sizes, 0) == []
    geometric = {f"g{i}": 3**i for i in range(20)}  # each bigger than all below together
    assert len(sizes) - len(choose(sizes, 32)) + 1 <= 16
    assert len(choose(geometric, 16)) == 20 - 16 // 2 + 1


_REPACKER = """
import sys
from pathlib import Path
from jupyter_mlversion.core.store import ObjectStore
print("start", flush=True)
ObjectStore(Path(sys.argv[1]), repack_threshold=0).repack()
"""


def test_repack_killed_at_random_moments_loses_nothing(spread_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make, oid, data = spread_store
    store = make()
    ids = {i for stem in store.packs.stems() for i in store.packs.entries(stem)}
    rng = random.Random(5)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", _REPACKER, str(store.root)],
            env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline() == "start\n"
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()
        proc.communicate(timeout=30)
        fresh = make()
        assert all(fresh.has(i) for i in ids)
        assert fresh.read_bytes(oid) == data
    fresh = make()
    assert fresh.verify()[1] == []
    fresh.gc(ids, dry_run=False, temp_age=0)
    assert not temp_files(fresh.root) and len(fresh.packs.stems()) == 1
    assert make().read_bytes(oid) == data

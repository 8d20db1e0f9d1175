"""Garbage collection, several writer processes, and writers killed at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from store_helpers import random_file, temp_files

from jupyter_mlversion.core.store import ObjectStore

REPO = Path(__file__).resolve().parents[3]


def test_gc_keeps_reachable_and_removes_the_rest(store: ObjectStore, tmp_path: Path) -> None:
    keep_data = random_file(tmp_path / "keep.bin", 500_000, seed=1)
    random_file(tmp_path / "drop.bin", 500_000, seed=2)
    keep, _ = store.put_file(tmp_path / "keep.bin")
    drop, _ = store.put_file(tmp_path / "drop.bin")
    with store.batch():  # one pack holding a live and a dead object
        small_keep = store.put_bytes(b"keep me")
        small_drop = store.put_bytes(b"drop me")
    loose_drop = store.put_bytes(b"loose garbage")
    stale = store.root / "ab" / ".tmp-leftover"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"torn")
    needed = store.reachable([keep, small_keep])
    dead = store.reachable([drop, small_drop, loose_drop]) - needed

    dry = store.gc([keep, small_keep], dry_run=True)
    assert dry[0] == len(dead) and dry[1] > 500_000
    assert store.has(drop) and stale.exists()

    assert store.gc([keep, small_keep], dry_run=False, temp_age=0) == dry
    fresh = ObjectStore(store.root)
    assert all(fresh.has(oid) for oid in needed)
    assert not any(fresh.has(oid) for oid in dead)
    assert fresh.read_bytes(keep) == keep_data and fresh.read_bytes(small_keep) == b"keep me"
    assert not stale.exists()
    assert fresh.verify() == (len(needed), [])
    assert fresh.gc([keep, small_keep], dry_run=False) == (0, 0)


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], env=env, stdout=subprocess.PIPE, text=True
    )


_SAME_OBJECTS = """
import sys, time
from pathlib import Path
from jupyter_mlversion.core.store import ObjectStore
root, src, go = map(Path, sys.argv[1:4])
store = ObjectStore(root, avg_chunk=16384, min_chunk=4096, max_chunk=65536)
while not go.exists():
    time.sleep(0.001)
for _ in range(5):
    oid, _ = store.put_file(src)
    small = store.put_bytes(b"same small object")
    with store.batch():
        packed = store.put_bytes(b"same packed object")
print(oid, small, packed)
"""


def test_two_processes_writing_the_same_objects(tmp_path: Path) -> None:
    data = random_file(tmp_path / "big.bin", 2_000_000)
    root, go = tmp_path / "objects", tmp_path / "go"
    procs = [_spawn(_SAME_OBJECTS, str(root), str(tmp_path / "big.bin"), str(go)) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outs[0] == outs[1]
    store = ObjectStore(root)
    oid, small, packed = outs[0]
    assert store.read_bytes(oid) == data and store.read_bytes(small) == b"same small object"
    assert store.read_bytes(packed) == b"same packed object"
    assert store.verify()[1] == []


_WRITER = """
import os, random, sys
from pathlib import Path
from jupyter_mlversion.core.store import ObjectStore
root, work, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
store = ObjectStore(root, avg_chunk=16384, min_chunk=4096, max_chunk=65536)
for i in range(10**6):
    kind = i % 3
    if kind == 0:
        path = work / f"f{seed}-{i}.bin"
        path.write_bytes(rng.randbytes(rng.randint(100_000, 800_000)))
        oid, _ = store.put_file(path)
        path.unlink()
    elif kind == 1:
        oid = store.put_bytes(rng.randbytes(rng.randint(1, 30_000)))
    else:
        with store.batch():
            ids = [store.put_bytes(rng.randbytes(rng.randint(1, 500))) for _ in range(50)]
        oid = ids[-1]
    print(oid, flush=True)
"""


def test_kill_9_never_leaves_a_torn_object(tmp_path: Path) -> None:
    root, work = tmp_path / "objects", tmp_path / "work"
    work.mkdir()
    rng = random.Random(42)
    stored: list[str] = []
    for round_ in range(20):
        proc = _spawn(_WRITER, str(root), str(work), str(round_))
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the kill lands while writing, however slow the start
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        out = first + out
        assert proc.returncode == -signal.SIGKILL
        stored += [line for line in out.split("\n") if len(line) == 64]
        store = ObjectStore(root)
        for oid in stored:  # everything reported stored is whole and readable
            assert b"".join(store.iter_bytes(oid)) is not None
    assert len(stored) > 20
    store = ObjectStore(root)
    checked, corrupt = store.verify()
    assert corrupt == [] and checked >= len(stored)
    store.gc(stored, dry_run=False, temp_age=0)
    assert not temp_files(root)
    assert not [
        p
        for p in (root / "pack").iterdir()
        if p.suffix == ".pack" and not p.with_suffix(".idx").exists()
    ]
    for oid in stored:
        store.read_bytes(oid)

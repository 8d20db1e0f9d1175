"""``kill -9`` at random moments, and several processes snapshotting at once."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jupyter_mlversion.core.repository import Repository

ROOT = Path(__file__).parents[2]

# A child that snapshots forever; each round's content is derived from its message,
# so the parent can check every snapshot that landed byte for byte.
WORKER = textwrap.dedent(
    """
    import hashlib, os, sys
    from jupyter_mlversion.core.repository import Repository
    from jupyter_mlversion.core.errors import ConcurrentUpdateError

    def content(tag, n, size):
        seed = hashlib.sha256(f"{tag}-{n}".encode()).digest()
        return (seed * (size // len(seed) + 1))[:size]

    root, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repo = Repository.open(root)
    for n in range(rounds):
        with open(os.path.join(root, f"{tag}-big.bin"), "wb") as f:
            f.write(content(tag, n, 900_000 + n))
        for i in range(20):
            with open(os.path.join(root, f"{tag}-small-{i}.txt"), "wb") as f:
                f.write(content(tag, n * 100 + i, 300))
        while True:
            try:
                repo.snapshot([root], message=f"{tag} {n}", allow_empty=True)
                break
            except ConcurrentUpdateError:
                continue
        print(n, flush=True)
    """
)


def _expected(tag: str, n: int, size: int) -> bytes:
    seed = hashlib.sha256(f"{tag}-{n}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def _spawn(root: Path, tag: str, rounds: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(root), tag, str(rounds)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _small_chunks(repo: Repository) -> None:
    config = repo.meta / "config.toml"
    text = config.read_text()
    text = text.replace("chunk_min = 131072", "chunk_min = 16384")
    text = text.replace("chunk_avg = 524288", "chunk_avg = 65536")
    text = text.replace("chunk_max = 2097152", "chunk_max = 262144")
    config.write_text(text)


def _check_every_snapshot(root: Path) -> int:
    """Every snapshot that landed reads back byte for byte; returns how many there are."""
    repo = Repository.open(root)
    snaps = repo.log()
    for snap in snaps:
        tag, n_text = snap.message.split(" ")
        n = int(n_text)
        files = repo.files_at(snap.id)
        big = files[f"{tag}-big.bin"]
        assert b"".join(repo.read_bytes(big, snap.id)) == _expected(tag, n, 900_000 + n)
        small = files[f"{tag}-small-0.txt"]
        assert b"".join(repo.read_bytes(small, snap.id)) == _expected(tag, n * 100, 300)
    report = repo.verify()
    assert report.ok, report
    fsck = subprocess.run(
        ["git", "--git-dir", str(repo.meta / "history.git"), "fsck", "--connectivity-only"],
        capture_output=True,
        text=True,
    )
    assert fsck.returncode == 0, fsck.stderr
    repo.close()
    return len(snaps)


def test_kill_9_at_random_moments_never_damages_earlier_snapshots(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    _small_chunks(Repository.init(root))
    rng = random.Random(1234)
    landed = 0
    for attempt in range(25):
        child = _spawn(root, f"k{attempt}", 1000)
        # Let it run a first snapshot sometimes, and die anywhere inside one.
        time.sleep(rng.uniform(0.15, 1.2))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        count = _check_every_snapshot(root)
        assert count >= landed
        landed = count
    assert landed > 0
    # After all those kills the project still takes snapshots normally.
    repo = Repository.open(root)
    (root / "after.txt").write_text("still fine")
    assert repo.snapshot(["after.txt"], message="after 0").created


def test_two_processes_snapshotting_at_once_lose_nothing(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    _small_chunks(Repository.init(root))
    children = [_spawn(root, tag, 6) for tag in ("a", "b")]
    outputs = [c.communicate(timeout=300) for c in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert out.split() == [str(n) for n in range(6)]
    repo = Repository.open(root)
    messages = sorted(s.message for s in repo.log())
    assert messages == sorted([f"a {n}" for n in range(6)] + [f"b {n}" for n in range(6)])
    repo.close()
    assert _check_every_snapshot(root) == 12


@pytest.mark.parametrize("victim", ["index.sqlite"])
def test_lost_cache_is_rebuilt_after_a_crash(tmp_path, victim):
    root = tmp_path / "p"
    root.mkdir()
    Repository.init(root)
    child = _spawn(root, "c", 3)
    child.communicate(timeout=120)
    for name in os.listdir(root / ".mlversion"):
        if name.startswith(victim):
            os.remove(root / ".mlversion" / name)
    assert _check_every_snapshot(root) == 3

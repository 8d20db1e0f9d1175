"""Temp files killed writers leave are never tracked and are swept by the next locked command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from jupyter_mlversion.core.atomic import LEGACY_TEMP_PREFIX, TEMP_PREFIX
from jupyter_mlversion.core.tempfiles import is_temp_name, writer_pid


def _dead_pid() -> int:
    """The PID of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leftover(folder: Path, name: str, age: float = 60.0) -> Path:
    path = folder / name
    path.write_bytes(b"partial")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_names_are_recognised():
    assert is_temp_name(f"{TEMP_PREFIX}123-abcdef012345")
    assert is_temp_name(f"{TEMP_PREFIX}pack-123-abcdef012345")
    assert is_temp_name(f"{LEGACY_TEMP_PREFIX}model.pkl.4242-0a1b2c")
    assert writer_pid(f"{LEGACY_TEMP_PREFIX}model.pkl.4242-0a1b2c") == 4242
    assert not is_temp_name(".tmp-notes.txt")
    assert not is_temp_name("data.csv")


def test_temp_files_are_not_tracked_and_snapshot_sweeps_them(make_project):
    repo = make_project({"data/a.csv": "a\n"})
    repo.snapshot(["data"], message="base")
    pid = _dead_pid()
    new = _leftover(repo.root / "data", f"{TEMP_PREFIX}{pid}-0123456789ab")
    old = _leftover(repo.root / "data", f"{LEGACY_TEMP_PREFIX}a.csv.{pid}-0123456789ab")
    mine = repo.root / "data" / ".tmp-notes.txt"
    mine.write_text("a user's file")
    status = repo.status()
    assert [c.path for c in status.changes] == ["data/.tmp-notes.txt"]
    result = repo.snapshot(message="with notes")
    assert sorted(repo.files_at(result.snapshot.id)) == ["data/.tmp-notes.txt", "data/a.csv"]
    assert not new.exists() and not old.exists() and mine.exists()


def test_a_killed_restore_leaves_nothing_that_survives_the_next_restore(make_project):
    """A real restore killed mid-write; the next restore removes its temp file."""
    repo = make_project({"big.bin": os.urandom(64 << 20)})
    repo.snapshot(["big.bin"], message="big")
    (repo.root / "big.bin").write_bytes(b"small")
    repo.snapshot(["big.bin"], message="small")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    cmd = [sys.executable, "-m", "jupyter_mlversion.cli.main", "restore", "big.bin", "--to",
           "HEAD~1"]  # fmt: skip
    temps: list[Path] = []
    for _ in range(20):
        proc = subprocess.Popen(cmd, cwd=repo.root, env=env, stderr=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            temps = [p for p in repo.root.iterdir() if is_temp_name(p.name)]
            if temps:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if temps and any(p.exists() for p in temps):
            break
        (repo.root / "big.bin").write_bytes(b"small")
    assert temps, "the restore never got to write its temp file"
    assert [c.path for c in repo.status().changes] in ([], ["big.bin"])
    repo.restore(["big.bin"], to="HEAD")
    assert [p for p in repo.root.iterdir() if is_temp_name(p.name)] == []
    assert (repo.root / "big.bin").read_bytes() == b"small"


def test_gc_sweeps_the_tree_and_the_meta_folder_keeps_live_writers(make_project):
    repo = make_project({"data/a.csv": "a\n", "b.txt": "b"})
    repo.snapshot(["data", "b.txt"], message="base")
    dead = _dead_pid()
    below = _leftover(repo.root / "data", f"{TEMP_PREFIX}{dead}-0123456789ab")
    beside = _leftover(repo.root, f"{TEMP_PREFIX}{os.getpid()}-0123456789ab")
    meta_dead = _leftover(repo.meta, f"{TEMP_PREFIX}{dead}-0123456789ab")
    meta_live = _leftover(repo.meta, f"{TEMP_PREFIX}{os.getppid()}-0123456789ab")
    assert repo.gc(dry_run=True).temp_files == 0 and below.exists()
    report = repo.gc(dry_run=False)
    assert report.temp_files == 2 and not below.exists() and not beside.exists()
    assert not meta_dead.exists() and meta_live.exists()

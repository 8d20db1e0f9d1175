"""A full disk, for a project on a small tmpfs and for a store on another file system."""

from __future__ import annotations

import os
from pathlib import Path

from harness import (
    blob,
    check_every_snapshot,
    clean_failure,
    cli_env,
    digest,
    init_project,
    litter,
    mlv,
    mlv_json,
    record,
    verify_ok,
)


def _full_snapshot(root: Path, env: dict[str, str], spots: list[Path], size: int) -> list[str]:
    """A snapshot too big for the disk: one clean 'full' error, no litter, history intact."""
    problems = []
    (root / "huge.bin").write_bytes(blob("huge", size))
    out = mlv(root, "snapshot", "huge.bin", "-m", "too big", env=env)
    if out.returncode == 0:
        problems.append("a snapshot larger than the disk succeeded")
    elif why := clean_failure(out, (1,)):
        problems.append(f"snapshot on a full disk: {why}")
    elif "full" not in out.stderr:
        problems.append(f"the error does not say the disk is full: {out.stderr.strip()}")
    problems += [f"litter after a full disk: {p}" for p in litter(*spots)]
    (root / "huge.bin").unlink()
    mlv(root, "untrack", "huge.bin", env=env)
    total = mlv_json(root, "log", env=env)["total"]
    problems += [f"{total} snapshots after the failure, 1 expected"] if total != 1 else []
    return problems + verify_ok(root, env)


def _recover(root: Path, tmp: Path, env: dict[str, str]) -> list[str]:
    """After space is freed: snapshot, restore and checkout work, bytes exact."""
    problems = []
    (root / "small.txt").write_text("after the disk filled\n")
    out = mlv(root, "snapshot", "small.txt", "-m", "after", env=env)
    problems += [f"snapshot after freeing space: {out.stderr.strip()}"] if out.returncode else []
    (root / "keep.bin").unlink()
    out = mlv(root, "restore", "keep.bin", "--to", "HEAD", env=env)
    if out.returncode or digest((root / "keep.bin").read_bytes()) != digest(blob("keep", 1 << 20)):
        problems.append(f"restore after a full disk: {out.stderr.strip()}")
    want = {
        "before": {"keep.bin": digest(blob("keep", 1 << 20)), "small.txt": digest(b"fits\n")},
        "after": {"keep.bin": digest(blob("keep", 1 << 20)),
                  "small.txt": digest(b"after the disk filled\n")},
    }  # fmt: skip
    _, found = check_every_snapshot(
        root, tmp / "scratch", lambda s: want[s["message"]], store=Path(env["MLVERSION_STORE"])
    )
    return problems + found


def _start(root: Path, env: dict[str, str]) -> None:
    (root / "keep.bin").write_bytes(blob("keep", 1 << 20))
    (root / "small.txt").write_text("fits\n")
    mlv_json(root, "snapshot", "keep.bin", "small.txt", "-m", "before", env=env)


def test_disk_full_for_the_project(tmpfs, tmp_path: Path) -> None:
    disk = tmpfs("disk", "8m")
    root = init_project(disk / "proj")
    env = cli_env()
    _start(root, env)
    problems = _full_snapshot(root, env, [disk], 4 << 20)
    # Restore onto the full disk: the working file keeps its bytes.
    (root / "keep.bin").write_bytes(b"edited, not yet snapshotted")
    mlv_json(root, "snapshot", "keep.bin", "-m", "edited")
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)
    out = mlv(root, "restore", "keep.bin", "--to", "keep.bin@v0")
    if out.returncode == 0 or clean_failure(out, (1,)) or "full" not in out.stderr:
        problems.append(f"restore onto a full disk: exit {out.returncode} {out.stderr.strip()}")
    if (root / "keep.bin").read_bytes() != b"edited, not yet snapshotted":
        problems.append("a restore that ran out of space changed the working file")
    problems += [f"litter after a full restore: {p}" for p in litter(disk)]
    filler.unlink()
    record("disk full: project on a 8 MB tmpfs", failures=len(problems))
    assert not problems, "\n".join(problems)


def test_disk_full_for_a_store_on_another_file_system(tmpfs, tmp_path: Path) -> None:
    disk = tmpfs("store", "8m")
    env = cli_env(MLVERSION_STORE=str(disk / "objects"))
    root = tmp_path / "proj"
    root.mkdir()
    assert mlv(root, "init", env=env).returncode == 0
    _start(root, env)
    problems = _full_snapshot(root, env, [disk, root], 12 << 20)
    problems += _recover(root, tmp_path, env)
    record("disk full: store on another (8 MB tmpfs) file system", failures=len(problems))
    assert not problems, "\n".join(problems)

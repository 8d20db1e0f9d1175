"""Faults of the file system around a project: a store on another file system, long names."""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jupyter_mlversion.core.atomic import TEMP_PREFIX
from jupyter_mlversion.core.errors import CorruptObjectError
from jupyter_mlversion.core.repository import Repository


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount tmpfs folders (a second file system); needs root, skipped where it cannot."""
    mounted: list[Path] = []

    def mount(name: str) -> Path:
        mnt = tmp_path / name
        mnt.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(mnt)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(mnt)
        return mnt

    yield mount
    for mnt in mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _versions(repo: Repository, rel: str, size: int) -> list[bytes]:
    """Snapshot three versions of a multi-chunk file at ``rel``; returns their bytes."""
    rng = random.Random(3)
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = bytearray(rng.randbytes(size))
    out = []
    for i in range(3):
        data[size // 2 + i * 1000 : size // 2 + i * 1000 + 100] = rng.randbytes(100)
        path.write_bytes(data)
        repo.snapshot([rel], message=f"v{i}")
        out.append(bytes(data))
    return out


def _round_trip(root: Path, store: Path) -> None:
    Repository.init(root).close()
    with Repository.open(root, store_path=store) as repo:
        v = _versions(repo, "data/model.bin", 3_000_000)
        (repo.root / "notes.txt").write_text("small file\n")
        repo.snapshot(["notes.txt"], message="notes")
        assert os.stat(repo.store_root).st_dev != os.stat(root).st_dev
        repo.restore(["data/model.bin"], to="HEAD~3")
        assert (root / "data/model.bin").read_bytes() == v[0]
        repo.restore(["data/model.bin"], to="data/model.bin@v1")
        assert (root / "data/model.bin").read_bytes() == v[1]
        latest = repo.resolve("HEAD")
        repo.checkout("HEAD~2")  # recorded as a new snapshot on top: HEAD moves
        assert (root / "data/model.bin").read_bytes() == v[1]
        assert not (root / "notes.txt").exists()
        repo.checkout(latest)
        assert (root / "data/model.bin").read_bytes() == v[2]
        assert (root / "notes.txt").read_text() == "small file\n"
        assert repo.verify().ok
    assert not list(root.rglob(f"{TEMP_PREFIX}*"))


def test_store_on_another_file_system(tmp_path: Path, tmpfs: Callable[[str], Path]) -> None:
    _round_trip(tmp_path / "proj", tmpfs("volume") / "objects")


def test_project_on_another_file_system_than_its_store(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    _round_trip(tmpfs("scratch") / "proj", tmp_path / "team-store")


def test_names_near_the_file_system_limit(make_project: Callable[..., Repository]) -> None:
    long_bin = "d" * 246 + ".bin"  # 250 bytes: a temp name derived from it would pass 255
    long_nb = "n" * 244 + ".ipynb"
    assert len(long_bin.encode()) == 250 and len(long_nb.encode()) == 250
    repo = make_project({long_nb: '{"cells": [], "nbformat": 4, "nbformat_minor": 5}\n'})
    v = _versions(repo, f"sub/{long_bin}", 1_500_000)
    repo.snapshot([long_nb], message="notebook")
    root = repo.root
    (root / long_nb).write_text('{"cells": [{"edited": true}]}\n')
    repo.snapshot([long_nb], message="notebook edited")
    repo.restore([f"sub/{long_bin}"], to="HEAD~3")
    assert (root / "sub" / long_bin).read_bytes() == v[1]
    repo.restore([long_nb], to="HEAD~1")
    assert (root / long_nb).read_text().startswith('{"cells": []')
    latest = repo.resolve("HEAD")
    repo.checkout("HEAD~4")
    assert (root / "sub" / long_bin).read_bytes() == v[0] and not (root / long_nb).exists()
    repo.checkout(latest)
    assert (root / "sub" / long_bin).read_bytes() == v[2]
    assert (root / long_nb).read_text() == '{"cells": [{"edited": true}]}\n'
    assert not list(root.rglob(f"{TEMP_PREFIX}*"))


def _git(repo: Repository, *args: str) -> str:
    git_dir = repo.root / ".mlversion" / "history.git"
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True)
    return done.stdout.strip()


def _notebook_project(make_project: Callable[..., Repository]) -> tuple[Repository, str, str]:
    """A notebook in two snapshots; returns the repo, the first snapshot and its blob's sha."""
    repo = make_project({"a.ipynb": '{"cells": [], "nbformat": 4, "nbformat_minor": 5}\n'})
    first = repo.snapshot(["a.ipynb"], message="one").snapshot
    assert first is not None
    (repo.root / "a.ipynb").write_text('{"cells": [{"x": 1}]}\n')
    repo.snapshot(["a.ipynb"], message="two")
    return repo, first.id, _git(repo, "rev-parse", f"{first.id}:a.ipynb")


def _flip(path: Path, offset: int) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _check_reported(repo: Repository, blob: str, first: str) -> None:
    before = (repo.root / "a.ipynb").read_bytes()
    with pytest.raises(CorruptObjectError, match=rf"a\.ipynb at snapshot {first[:10]}"):
        repo.restore(["a.ipynb"], to=first)
    assert (repo.root / "a.ipynb").read_bytes() == before  # not a 0-byte notebook
    report = repo.verify()
    assert not report.ok
    (line,) = [h for h in report.history if h.startswith(f"history object {blob[:12]}")]
    assert "a.ipynb" in line and first[:10] in line
    assert report.to_dict()["history"] == list(report.history)


def test_damaged_loose_git_object_of_a_notebook(make_project: Callable[..., Repository]) -> None:
    repo, first, blob = _notebook_project(make_project)
    assert repo.verify().ok
    _flip(repo.root / ".mlversion/history.git/objects" / blob[:2] / blob[2:], 12)
    _check_reported(repo, blob, first)


def test_damaged_git_pack_of_a_notebook(make_project: Callable[..., Repository]) -> None:
    repo, first, blob = _notebook_project(make_project)
    _git(repo, "repack", "-a", "-d", "-q")
    (pack,) = (repo.root / ".mlversion/history.git/objects/pack").glob("*.pack")
    listing = _git(repo, "verify-pack", "-v", str(pack.with_suffix(".idx")))
    offset = next(int(line.split()[4]) for line in listing.splitlines() if line.startswith(blob))
    _flip(pack, offset + 4)
    _check_reported(repo, blob, first)

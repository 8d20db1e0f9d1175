"""The one atomic-write helper: whole replacement, no litter, long names, folder fsync."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from jupyter_mlversion.core import atomic
from jupyter_mlversion.core.atomic import TEMP_PREFIX, atomic_write, atomic_writer, temp_path
from jupyter_mlversion.core.errors import StorageFullError

LONG_NAME = "d" * 246 + ".csv"  # 250 bytes: a temp name built from it would pass NAME_MAX


def temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_target_is_replaced_whole_and_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "tracked.json"
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    with atomic_writer(target) as out:
        out.write(b"new ")
        # Readers still see the old bytes while the new ones are written.
        assert target.read_bytes() == b"old"
        out.write(b"bytes")
    assert target.read_bytes() == b"new bytes"
    assert target.stat().st_ino != old_inode  # renamed into place, not rewritten
    assert temps(tmp_path) == []


def test_an_error_mid_write_leaves_the_target_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    target.write_bytes(b"keep me")
    with pytest.raises(RuntimeError, match="boom"), atomic_writer(target) as out:
        out.write(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"keep me"
    assert temps(tmp_path) == []


def test_a_full_disk_is_reported_and_cleaned_up(tmp_path: Path, monkeypatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageFullError, match="full"):
        atomic_write(tmp_path / "x.bin", b"data")
    assert list(tmp_path.iterdir()) == []


def test_names_near_255_bytes_work(tmp_path: Path) -> None:
    assert len(LONG_NAME.encode()) == 250
    assert len(temp_path(tmp_path, "pack-").name) < 64  # never built from the target's name
    target = tmp_path / LONG_NAME
    atomic_write(target, b"a,b\n")
    atomic_write(target, b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert temps(tmp_path) == []


def test_the_folder_is_fsynced_after_the_rename(tmp_path: Path, monkeypatch) -> None:
    synced: list[tuple[Path, bool]] = []
    real = atomic.fsync_dir
    target = tmp_path / "sub" / "f.txt"
    target.parent.mkdir()

    def spy(folder: Path) -> None:
        synced.append((folder, target.exists()))
        real(folder)

    monkeypatch.setattr(atomic, "fsync_dir", spy)
    atomic_write(target, b"x")
    assert synced == [(target.parent, True)]


def test_keep_mode_and_first_writer_wins(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_bytes(b"#!/bin/sh\n")
    target.chmod(0o750)
    atomic_write(target, b"#!/bin/sh\necho hi\n", keep_mode=True)
    assert target.stat().st_mode & 0o777 == 0o750
    obj = tmp_path / "object"
    atomic_write(obj, b"first", mode=0o444, overwrite=False)
    atomic_write(obj, b"second", mode=0o444, overwrite=False)
    assert obj.read_bytes() == b"first"
    assert obj.stat().st_mode & 0o777 == 0o444
    assert temps(tmp_path) == []


def test_restore_writes_a_250_byte_name_atomically(make_project) -> None:
    repo = make_project({LONG_NAME: "id,x\n1,2\n", "nb.ipynb": '{"cells": []}'})
    repo.snapshot([LONG_NAME, "nb.ipynb"], message="long name")
    (repo.root / LONG_NAME).write_text("id,x\n9,9\n")
    (repo.root / "nb.ipynb").write_text('{"cells": [1]}')
    result = repo.restore([LONG_NAME, "nb.ipynb"], to="HEAD")
    assert (repo.root / LONG_NAME).read_text() == "id,x\n1,2\n"
    assert (repo.root / "nb.ipynb").read_text() == '{"cells": []}'
    assert result.safety_snapshot is not None  # the unsaved edits were kept first
    assert temps(repo.root) == []
    assert repo.tracked_specs() == sorted([LONG_NAME, "nb.ipynb"])

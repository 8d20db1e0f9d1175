"""What goes wrong: corruption, missing/unreadable/changing files, a full disk."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import flip_byte, random_file, temp_files

from jupyter_mlversion.core.errors import (
    CorruptObjectError,
    FileChangedError,
    StorageFullError,
    UnreadableFileError,
)
from jupyter_mlversion.core.store import ObjectStore


def test_flipped_byte_in_loose_object_is_detected(store: ObjectStore) -> None:
    oid = store.put_bytes(os.urandom(5000))
    flip_byte(store.root / oid[:2] / oid[2:], 2500)
    with pytest.raises(CorruptObjectError, match=oid):
        store.read_bytes(oid)
    assert store.verify() == (1, [oid])


def test_flipped_byte_in_packed_chunk_is_detected(store: ObjectStore, tmp_path: Path) -> None:
    data = random_file(tmp_path / "big.bin", 600_000)
    oid, _ = store.put_file(tmp_path / "big.bin")
    manifest = store.manifest(oid)
    assert manifest is not None
    victim = manifest.chunks[3][0]
    (stem,) = store.packs.stems()
    offset, _ = store.packs.entries(stem)[victim]
    store.close()
    flip_byte(store.pack_dir / f"{stem}.pack", offset + 100)
    fresh = ObjectStore(store.root)
    with pytest.raises(CorruptObjectError, match=victim):
        fresh.read_bytes(oid)
    dest = tmp_path / "dest.bin"
    dest.write_bytes(b"keep me")
    with pytest.raises(CorruptObjectError, match=victim):
        fresh.restore_to(oid, dest)
    assert dest.read_bytes() == b"keep me" and not temp_files(tmp_path)
    checked, corrupt = fresh.verify()
    assert checked == len({c for c, _ in manifest.chunks}) + 1 and corrupt == [victim]
    assert len(data) == 600_000


def test_damaged_manifest_is_detected(store: ObjectStore, tmp_path: Path) -> None:
    random_file(tmp_path / "big.bin", 300_000)
    oid, _ = store.put_file(tmp_path / "big.bin")
    (stem,) = store.packs.stems()
    offset, length = store.packs.entries(stem)[oid]
    store.close()
    flip_byte(store.pack_dir / f"{stem}.pack", offset + length - 10)
    with pytest.raises(CorruptObjectError, match=oid):
        ObjectStore(store.root).read_bytes(oid)


def test_unreadable_paths(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match=r"nope\.bin"):
        store.put_file(tmp_path / "nope.bin")
    with pytest.raises(UnreadableFileError, match="not a regular file"):
        store.put_file(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError, match="pipe"):
        store.put_file(fifo)


def test_file_changing_during_every_read_is_refused(store: ObjectStore, tmp_path: Path) -> None:
    path = tmp_path / "growing.log"
    random_file(path, 400_000)
    attempts: list[int] = []

    def append_while_read(done: int) -> None:
        if done < 100_000:  # the writer strikes early in each read attempt
            with open(path, "ab") as f:
                f.write(b"more\n")
            attempts.append(done)

    with pytest.raises(FileChangedError, match=r"growing\.log"):
        store.put_file(path, progress=append_while_read)
    assert len(attempts) >= 2  # it was retried once


def test_file_changing_once_is_retried(store: ObjectStore, tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    random_file(path, 400_000)
    changed = []

    def change_once(done: int) -> None:
        if not changed:
            changed.append(done)
            with open(path, "r+b") as f:
                f.write(b"X" * 10)

    oid, size = store.put_file(path, progress=change_once)
    assert store.read_bytes(oid) == path.read_bytes() and size == 400_000


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs root and mount rights; skipped where they are missing)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_disk_full_while_packing_leaves_nothing(
    tiny_disk: Path, tmp_path: Path, make_store
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tiny_disk / "objects")
    kept = store.put_bytes(b"stored before the disk filled")
    random_file(tmp_path / "big.bin", 3_000_000)
    with pytest.raises(StorageFullError, match="full"):
        store.put_file(tmp_path / "big.bin")
    assert not temp_files(tiny_disk)
    with pytest.raises(StorageFullError):
        store.put_bytes(os.urandom(3_000_000))  # a loose object too big for the disk
    assert not temp_files(tiny_disk)
    assert store.read_bytes(kept) == b"stored before the disk filled"
    assert store.verify() == (1, [])


def test_disk_full_while_restoring_keeps_dest(tiny_disk: Path, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store()
    oid = store.put_bytes(os.urandom(3_000_000))
    dest = tiny_disk / "model.bin"
    dest.write_bytes(b"old")
    with pytest.raises(StorageFullError):
        store.restore_to(oid, dest)
    assert dest.read_bytes() == b"old" and not temp_files(tiny_disk)

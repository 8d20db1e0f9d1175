"""Storing and reading back: ids, chunking, packs, dedup, compression, restore."""

from __future__ import annotations

from pathlib import Path

import blake3
import pytest
from store_helpers import csv_bytes, random_file, stored_bytes, temp_files

from jupyter_mlversion.core.errors import MissingObjectError
from jupyter_mlversion.core.store import ObjectStore


def test_small_file_is_one_loose_blob_under_its_hash(store: ObjectStore, tmp_path: Path) -> None:
    data = random_file(tmp_path / "small.bin", 1000)
    oid, size = store.put_file(tmp_path / "small.bin")
    assert (oid, size) == (blake3.blake3(data).hexdigest(), 1000)
    loose = store.root / oid[:2] / oid[2:]
    assert loose.is_file()
    assert loose.stat().st_mode & 0o222 == 0  # read-only after write
    assert store.manifest(oid) is None
    assert store.read_bytes(oid) == data


def test_large_file_roundtrip_through_chunks_and_manifest(
    store: ObjectStore, tmp_path: Path
) -> None:
    data = random_file(tmp_path / "big.bin", 3_000_000)
    seen: list[int] = []
    oid, size = store.put_file(tmp_path / "big.bin", progress=seen.append)
    assert oid == blake3.blake3(data).hexdigest() and size == len(data)
    assert seen == sorted(seen) and seen[-1] == len(data)
    manifest = store.manifest(oid)
    assert manifest is not None and len(manifest.chunks) > 20
    assert manifest.size == len(data) and store.file_size(oid) == len(data)
    assert b"".join(store.iter_bytes(oid)) == data
    # A fresh store instance (another process) finds everything through the pack index.
    again = ObjectStore(store.root)
    assert again.has(oid) and all(again.has(c) for c, _ in manifest.chunks)
    dest = tmp_path / "restored.bin"
    done: list[int] = []
    again.restore_to(oid, dest, progress=done.append)
    assert dest.read_bytes() == data and done[-1] == len(data)


def test_id_does_not_depend_on_chunk_sizes(tmp_path: Path, make_store) -> None:  # type: ignore[no-untyped-def]
    data = random_file(tmp_path / "f.bin", 500_000)
    a = make_store(tmp_path / "a").put_file(tmp_path / "f.bin")
    b = make_store(tmp_path / "b", avg_chunk=64 * 1024, min_chunk=16 * 1024, max_chunk=256 * 1024)
    assert b.put_file(tmp_path / "f.bin") == a == (blake3.blake3(data).hexdigest(), len(data))


def test_empty_file_and_put_bytes(store: ObjectStore, tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    oid, size = store.put_file(tmp_path / "empty")
    assert size == 0 and store.read_bytes(oid) == b""
    assert store.put_bytes(b"hello") == blake3.blake3(b"hello").hexdigest()
    assert store.read_bytes(store.put_bytes(b"hello")) == b"hello"


def test_small_edit_stores_only_nearby_chunks(store: ObjectStore, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = bytearray(random_file(path, 4_000_000))
    store.put_file(path)
    before = stored_bytes(store.root)
    data[2_000_000:2_000_100] = b"\x00" * 100
    path.write_bytes(data)
    oid, _ = store.put_file(path)
    new = stored_bytes(store.root) - before
    # ~2 chunks of ~20 KiB plus the manifest (~250 entries), against 4 MB.
    assert new < 0.03 * len(data), new
    assert store.read_bytes(oid) == bytes(data)


def test_csv_block_change_and_append_store_little(store: ObjectStore, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    rows = csv_bytes(60_000)
    path.write_bytes(rows)
    store.put_file(path)
    base = stored_bytes(store.root)
    assert base < len(rows) * 0.7  # compressible text is stored compressed
    lines = rows.splitlines(keepends=True)
    mid = len(lines) // 2
    changed = lines[:mid] + [b"9" + ln for ln in lines[mid : mid + 600]] + lines[mid + 600 :]
    path.write_bytes(b"".join(changed))
    store.put_file(path)
    after_change = stored_bytes(store.root)
    path.write_bytes(b"".join(changed) + csv_bytes(600, seed=1, start=60_000))
    oid, _ = store.put_file(path)
    after_append = stored_bytes(store.root)
    # Budget is 3% of the file's size in new bytes for each change.
    assert after_change - base <= 0.03 * len(rows), after_change - base
    assert after_append - after_change <= 0.03 * len(rows), after_append - after_change
    assert store.read_bytes(oid) == path.read_bytes()


def test_random_data_is_stored_raw(store: ObjectStore, tmp_path: Path) -> None:
    random_file(tmp_path / "r.bin", 2_000_000)
    oid, _ = store.put_file(tmp_path / "r.bin")
    manifest = store.manifest(oid)
    assert manifest is not None
    assert all(store.record(c)[:4] == b"MVbr" for c, _ in manifest.chunks)


def test_batch_packs_many_small_objects_into_one_file(store: ObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(300):
        (src / f"f{i}.txt").write_text(f"file number {i}\n")
    with store.batch():
        ids = [store.put_file(src / f"f{i}.txt")[0] for i in range(300)]
        assert store.has(ids[0])  # visible to its own writer before commit
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert sorted(p.suffix for p in files) == [".idx", ".pack"]
    reader = ObjectStore(store.root)
    assert [reader.read_bytes(i) for i in ids] == [
        f"file number {i}\n".encode() for i in range(300)
    ]
    assert not temp_files(store.root)


def test_batch_exception_leaves_nothing_visible(store: ObjectStore, tmp_path: Path) -> None:
    random_file(tmp_path / "big.bin", 1_000_000)
    with pytest.raises(RuntimeError), store.batch():
        small = store.put_bytes(b"inside the batch")
        big, _ = store.put_file(tmp_path / "big.bin")
        raise RuntimeError("boom")
    assert not store.has(small) and not store.has(big)
    assert [p for p in store.root.rglob("*") if p.is_file()] == []
    with pytest.raises(MissingObjectError, match=small):
        store.read_bytes(small)


def test_missing_object(store: ObjectStore) -> None:
    oid = "ab" * 32
    assert not store.has(oid)
    with pytest.raises(MissingObjectError, match=oid):
        store.read_bytes(oid)


def test_missing_chunk_is_named(store: ObjectStore, make_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    random_file(tmp_path / "big.bin", 500_000)
    oid, _ = store.put_file(tmp_path / "big.bin")
    manifest = store.manifest(oid)
    assert manifest is not None
    # A second store that received the manifest and all chunks but the first.
    partial = make_store(tmp_path / "partial")
    for cid, _ in manifest.chunks[1:]:
        partial._write(cid, [store.record(cid)])
    partial._write(oid, [store.record(oid)])
    first = manifest.chunks[0][0]
    with pytest.raises(MissingObjectError, match=first):
        partial.read_bytes(oid)
    dest = tmp_path / "out.bin"
    with pytest.raises(MissingObjectError, match=oid):
        partial.restore_to(oid, dest)
    assert not dest.exists() and not temp_files(tmp_path)


def test_restore_keeps_permissions_and_replaces_atomically(
    store: ObjectStore, tmp_path: Path
) -> None:
    data = random_file(tmp_path / "v1.bin", 300_000)
    oid, _ = store.put_file(tmp_path / "v1.bin")
    dest = tmp_path / "work" / "model.bin"
    dest.parent.mkdir()
    dest.write_bytes(b"newer content")
    dest.chmod(0o600)
    store.restore_to(oid, dest)
    assert dest.read_bytes() == data
    assert dest.stat().st_mode & 0o777 == 0o600
    assert not temp_files(dest.parent)


def test_reachable_lists_manifest_and_chunks(store: ObjectStore, tmp_path: Path) -> None:
    random_file(tmp_path / "big.bin", 400_000)
    oid, _ = store.put_file(tmp_path / "big.bin")
    small = store.put_bytes(b"tiny")
    manifest = store.manifest(oid)
    assert manifest is not None
    assert store.reachable([oid, small]) == {oid, small} | {c for c, _ in manifest.chunks}
    with pytest.raises(MissingObjectError):
        store.reachable(["cd" * 32])

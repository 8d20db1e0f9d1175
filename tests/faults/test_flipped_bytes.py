"""One flipped byte in each part of ``.mlversion/``: verify reports it, restore refuses it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from harness import (
    META,
    blob,
    clean_failure,
    init_project,
    litter,
    mlv,
    mlv_json,
    record,
)

from jupyter_mlversion.core.repository import Repository

#: Parts whose damage loses stored bytes: restore must refuse. For the others (caches,
#: settings, indexes) restore may also rebuild and succeed, but never write wrong bytes.
MUST_REFUSE = {"loose object", "pack", "git objects"}


def _flip(path: Path, offset: int) -> None:
    path.chmod(0o644)
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))


def _project(root: Path) -> tuple[dict[str, bytes], str]:
    """A project whose HEAD holds a packed multi-chunk file and a loose object; its loose id."""
    init_project(root)
    files = {"big.bin": blob("big", 1_500_000), "loose.txt": b"a loose object\n" * 100}
    for rel, data in files.items():
        (root / rel).write_bytes(data)
    repo = Repository.open(root)
    loose_id, _ = repo.store.put_file(root / "loose.txt")  # outside a batch: a loose object
    repo.close()
    mlv_json(root, "snapshot", ".", "-m", "all parts")
    return files, loose_id


def _damage(root: Path, part: str, loose_id: str) -> tuple[Path, str, list[str]]:
    """Flip one byte of ``part``; returns (damaged file, the file to restore, names for it)."""
    meta = root / META
    repo = Repository.open(root)
    try:
        big = repo.files_at(repo.resolve("HEAD"))["big.bin"].id
        manifest = repo.store.manifest(big)
        assert manifest is not None
        chunk = manifest.chunks[1][0]
        stem, (offset, length) = repo.store.packs.locate(chunk)
    finally:
        repo.close()
    pack = meta / "objects" / "pack" / f"{stem}"
    if part == "loose object":
        path = repo.store.loose_path(loose_id)
        assert path.exists(), "the loose object was packed"
        return _at(path, path.stat().st_size // 2), "loose.txt", [loose_id]
    if part == "pack":
        return _at(pack.with_suffix(".pack"), offset + length // 2), "big.bin", [chunk, stem]
    if part == "pack index":
        idx = pack.with_suffix(".idx")
        return _at(idx, idx.stat().st_size // 2), "big.bin", [stem, ".idx"]
    if part == "index.sqlite":
        return _at(meta / "index.sqlite", 0), "big.bin", ["index.sqlite"]
    if part == "git objects":
        git = ["git", "--git-dir", str(meta / "history.git"), "rev-parse", "HEAD:big.bin"]
        sha = subprocess.run(git, capture_output=True, text=True, check=True).stdout.strip()
        path = meta / "history.git" / "objects" / sha[:2] / sha[2:]
        return _at(path, path.stat().st_size // 2), "big.bin", ["history.git", sha]
    if part == "config":
        config = meta / "config.toml"
        return _at(config, config.read_bytes().index(b"[store]")), "big.bin", ["config.toml"]
    tracked = meta / "tracked.json"
    return _at(tracked, 0), "big.bin", ["tracked.json"]


def _at(path: Path, offset: int) -> Path:
    _flip(path, offset)
    return path


PARTS = ["loose object", "pack", "pack index", "index.sqlite", "git objects", "config",
         "tracked set"]  # fmt: skip


@pytest.mark.parametrize("part", PARTS)
def test_one_flipped_byte_is_detected_and_refused(tmp_path: Path, part: str) -> None:
    root = tmp_path / "proj"
    files, loose_id = _project(root)
    damaged, victim, names = _damage(root, part, loose_id)
    problems = []

    verify = mlv(root, "verify", "--json")
    said = verify.stdout + verify.stderr
    if verify.returncode == 0:
        problems.append(f"verify passed with a flipped byte in {damaged.name}")
    elif why := clean_failure(verify):
        problems.append(f"verify: {why}")
    elif not any(name in said for name in names):
        problems.append(f"verify does not name the damaged part ({names}): {said[:300]}")

    (root / victim).unlink()
    restore = mlv(root, "restore", victim, "--to", "HEAD", "--json")
    wrote = (root / victim).read_bytes() if (root / victim).exists() else None
    if restore.returncode == 0 and part in MUST_REFUSE:
        problems.append(f"restore of {victim} succeeded from a damaged {part}")
    elif restore.returncode == 0 and wrote != files[victim]:
        problems.append(f"restore of {victim} wrote wrong bytes")
    elif restore.returncode != 0 and (why := clean_failure(restore, (1,))):
        problems.append(f"restore: {why}")
    if restore.returncode != 0 and wrote is not None:
        problems.append(f"a refused restore left {victim} behind")
    for args in (["status"], ["log"], ["show"]):
        out = mlv(root, *args)
        if out.returncode and (why := clean_failure(out)):
            problems.append(f"{args[0]}: {why}")
    problems += [f"litter: {p}" for p in litter(root)]
    record(f"flipped byte in {part}", verify_exit=verify.returncode,
           restore_exit=restore.returncode, failures=len(problems))  # fmt: skip
    assert not problems, "\n".join(problems)

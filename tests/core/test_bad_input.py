"""Bad input: each case gets a clear error and leaves the project intact."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import (
    AmbiguousReferenceError,
    FileChangedError,
    InvalidNameError,
    MlversionError,
    NameExistsError,
    PathOutsideProjectError,
    ReferenceNotFoundError,
    StorageFullError,
    UnreadableFileError,
)


def _intact(repo, expected_count: int) -> None:
    assert repo.count() == expected_count
    assert repo.verify().ok


@pytest.mark.parametrize("bad", ["../outside.csv", "/etc/passwd", "data/../../x", "a\x00b"])
def test_paths_outside_the_project_are_refused(make_project, bad):
    repo = make_project({"data/a.csv": "a\n"})
    repo.snapshot(["data"], message="base")
    with pytest.raises(PathOutsideProjectError):
        repo.snapshot([bad], message="no")
    with pytest.raises(PathOutsideProjectError):
        repo.restore([bad], to="HEAD")
    _intact(repo, 1)


def test_symlink_escaping_the_project_is_refused_and_skipped(make_project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not copy")
    repo = make_project({"data/a.csv": "a\n"})
    (repo.root / "data" / "link.txt").symlink_to(secret)
    with pytest.raises(PathOutsideProjectError):
        repo.track([repo.root / "data" / "link.txt"])
    result = repo.snapshot(["data"], message="folder with an escaping link")
    assert [c.path for c in result.changes] == ["data/a.csv"]
    assert any("outside the project" in w for w in result.warnings)


def test_the_meta_folder_cannot_be_tracked(make_project):
    repo = make_project({"a.txt": "a"})
    with pytest.raises(PathOutsideProjectError, match=".mlversion"):
        repo.snapshot([".mlversion/config.toml"])


def test_missing_and_unreadable_files(make_project):
    repo = make_project({"a.txt": "a", "secret.csv": "s"})
    with pytest.raises(UnreadableFileError, match="nope.csv"):
        repo.snapshot(["nope.csv"], message="x")
    (repo.root / "secret.csv").chmod(0)
    if os.geteuid() != 0:
        with pytest.raises(UnreadableFileError, match="secret.csv"):
            repo.snapshot(["secret.csv"], message="x")
        return
    # Root reads any file; drop the capabilities that let it, as a real user would lack them.
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's read override")
    caps = "-dac_override,-dac_read_search"
    out = subprocess.run(
        ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable,
         "-m", "jupyter_mlversion.cli.main", "snapshot", "secret.csv", "-m", "x"],
        cwd=repo.root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "cannot be read" in out.stderr and "secret.csv" in out.stderr
    assert "Traceback" not in out.stderr
    assert repo.count() == 0


def test_special_files_are_skipped_not_read(make_project):
    """A FIFO would block a reader forever: it is reported and never opened."""
    repo = make_project({"a.txt": "a"})
    os.mkfifo(repo.root / "pipe")
    result = repo.snapshot(["a.txt", "pipe"], message="with a fifo")
    assert [c.path for c in result.changes] == ["a.txt"]
    assert any("pipe: not a regular file" in w for w in result.warnings)


def test_empty_project_gives_a_clear_error(make_project):
    repo = make_project()
    with pytest.raises(MlversionError, match="tracks no files"):
        repo.snapshot(message="nothing")
    with pytest.raises(ReferenceNotFoundError, match="no snapshot yet"):
        repo.resolve("HEAD")
    assert repo.log() == []


@pytest.mark.parametrize("ref", ["nope", "HEAD~5", "x.csv@v0", "deadbeef"])
def test_unknown_references(make_project, ref):
    repo = make_project({"a.txt": "a"})
    repo.snapshot(["a.txt"], message="one")
    with pytest.raises(ReferenceNotFoundError):
        repo.resolve(ref)


def test_ambiguous_prefix(make_project):
    repo = make_project({"a.txt": "a"})
    ids = []
    for n in range(40):
        (repo.root / "a.txt").write_text(str(n))
        ids.append(repo.snapshot(["a.txt"], message=str(n)).snapshot.id)
    firsts = [i[:4] for i in ids]
    shared = next((p for p in firsts if firsts.count(p) > 1), None)
    if shared is None:
        # No two of 40 ids share four hex digits this time; a one-digit prefix surely does.
        counts = {i[0]: [j for j in ids if j[0] == i[0]] for i in ids}
        shared = next(k for k, v in counts.items() if len(v) > 1)
    with pytest.raises((AmbiguousReferenceError, ReferenceNotFoundError, InvalidNameError)):
        repo.resolve(shared)


@pytest.mark.parametrize("name", ["-rf", "a..b", "x@{1}", "has space", "HEAD", "v1.lock", ""])
def test_tag_and_alias_names_git_would_misread(make_project, name):
    repo = make_project({"a.txt": "a"})
    repo.snapshot(["a.txt"], message="one")
    with pytest.raises((InvalidNameError, NameExistsError)):
        repo.tag(name)
    with pytest.raises(InvalidNameError):
        repo.set_alias("a.txt", name or " ")
    assert repo.tags() == {}


def test_tags_never_move(make_project):
    repo = make_project({"a.txt": "a"})
    repo.snapshot(["a.txt"], message="one")
    repo.tag("keep")
    (repo.root / "a.txt").write_text("b")
    repo.snapshot(message="two")
    with pytest.raises(NameExistsError):
        repo.tag("keep")


def test_file_that_keeps_changing_while_snapshotted(make_project):
    """Another process appends without pause: the file is never stored torn."""
    repo = make_project({"grow.bin": os.urandom(8 << 20)})
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import os, sys\n"
         "with open(sys.argv[1], 'ab', buffering=0) as f:\n"
         "    while True:\n"
         "        f.write(os.urandom(512))\n",
         str(repo.root / "grow.bin")],
    )  # fmt: skip
    try:
        # Wait until the writer is really appending before snapshotting.
        start = (repo.root / "grow.bin").stat().st_size
        while (repo.root / "grow.bin").stat().st_size == start:
            time.sleep(0.01)
        with pytest.raises(FileChangedError, match="grow.bin"):
            repo.snapshot(["grow.bin"], message="moving target")
    finally:
        writer.kill()
        writer.wait()
    assert repo.count() == 0
    assert repo.snapshot(message="now still").created


def test_file_vanishing_before_snapshot(make_project):
    repo = make_project({"a.txt": "a", "b.txt": "b"})
    repo.snapshot(["a.txt", "b.txt"], message="one")
    (repo.root / "b.txt").unlink()
    result = repo.snapshot(message="b went away")
    assert [(c.path, c.status) for c in result.changes] == [("b.txt", "removed")]


def test_full_disk_keeps_the_project_intact(make_project, tmp_path):
    """A small tmpfs fills up mid-snapshot: a clear error and no torn object."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("tmpfs mounts are not allowed here")
    try:
        from jupyter_mlversion.core.repository import Repository

        (mnt / "p").mkdir()
        (mnt / "p" / "small.txt").write_text("fits")
        repo = Repository.init(mnt / "p")
        repo.snapshot(["small.txt"], message="fits")
        (mnt / "p" / "big.bin").write_bytes(os.urandom(2_200_000))
        with pytest.raises(StorageFullError):
            repo.snapshot(["big.bin"], message="too big")
        assert repo.count() == 1
        assert repo.verify().ok
        (mnt / "p" / "big.bin").unlink()
        repo.untrack(["big.bin"])
        assert repo.snapshot(["small.txt"], message="still works").created is False
        repo.restore(["small.txt"], to="HEAD")
        assert (mnt / "p" / "small.txt").read_text() == "fits"
        repo.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_restore_never_writes_through_a_link_leading_outside(make_project, tmp_path):
    repo = make_project({"data/a.csv": "v0\n"})
    repo.snapshot(["data"], message="v0")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.csv").write_text("not yours\n")
    (repo.root / "data" / "a.csv").unlink()
    (repo.root / "data").rmdir()
    (repo.root / "data").symlink_to(outside)
    with pytest.raises(PathOutsideProjectError):
        repo.restore(["data/a.csv"], to="HEAD")
    with pytest.raises(PathOutsideProjectError):
        repo.checkout("HEAD")
    assert (outside / "a.csv").read_text() == "not yours\n"

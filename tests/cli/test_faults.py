"""Faults and bad input through the real CLI: one line saying what to do, the project unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _cli(cwd: Path, *args: str | bytes) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _one_line_error(out: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert out.returncode == code, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlversion: "), out.stderr
    return lines[0]


def _project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert _cli(root, "init").returncode == 0
    out = _cli(root, "snapshot", *sorted({r.split("/")[0] for r in files}), "-m", "base")
    assert out.returncode == 0, out.stderr
    return root


def _count(root: Path) -> int:
    return int(json.loads(_cli(root, "log", "--json").stdout)["total"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path / "proj", {"data/a.csv": "a\n", "notes.txt": "n"})


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("config.toml", "[store\npath = 1", "config.toml is not valid TOML"),
        ("config.toml", "[store]\nchunk_min = 'big'\n", "wrong type"),
        ("tracked.json", '["data", ', "tracked.json is damaged"),
        ("tracked.json", '{"a": 1}', "tracked.json is damaged"),
    ],
)
def test_malformed_settings_files(project: Path, name: str, text: str, expected: str) -> None:
    (project / ".mlversion" / name).write_text(text)
    (project / "notes.txt").write_text("changed")
    line = _one_line_error(_cli(project, "snapshot", "-m", "two"))
    assert expected in line and "fix it" in line
    assert (project / ".mlversion" / name).read_text() == text


def test_a_damaged_index_header_is_rebuilt_by_itself(project: Path) -> None:
    index = project / ".mlversion" / "index.sqlite"
    with index.open("r+b") as handle:
        handle.write(b"\xff" * 100)
    out = _cli(project, "log", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"] == 1
    assert (project / ".mlversion" / "index.sqlite.damaged").exists()
    assert json.loads(_cli(project, "status", "--json").stdout)["clean"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave_kib: int = 0) -> Path:
    """Fill ``disk`` up, leaving ``leave_kib`` KiB free (0: not one block)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        block = b"\0" * (64 << 10)
        todo = max(free - leave_kib * 1024, 0)
        while todo > 0 or (not leave_kib and os.statvfs(disk).f_bavail):
            try:
                todo -= os.write(fd, block[: min(len(block), todo)] if todo > 0 else block[:4096])
            except OSError:
                break
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_gives_one_line_and_changes_nothing(small_disk: Path) -> None:
    root = _project(small_disk / "proj", {"a.txt": "a"})
    (root / "b.txt").write_text("b")
    filler = _fill(small_disk)
    for command in (["status"], ["log"], ["snapshot", "b.txt", "-m", "two"], ["verify"]):
        line = _one_line_error(_cli(root, *command))
        assert "full" in line and "Free some space" in line, (command, line)
    filler.unlink()
    assert _count(root) == 1
    assert _cli(root, "snapshot", "b.txt", "-m", "two").returncode == 0
    assert _count(root) == 2


def test_git_running_out_of_space_on_a_large_notebook(small_disk: Path) -> None:
    root = _project(small_disk / "proj", {"a.txt": "a"})
    cell = {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [],
            "execution_count": None, "source": os.urandom(1 << 20).hex()}  # fmt: skip
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "big.ipynb").write_text(json.dumps(notebook))
    filler = _fill(small_disk, leave_kib=600)
    line = _one_line_error(_cli(root, "snapshot", "big.ipynb", "-m", "nb"))
    assert "full" in line or "git could not record" in line
    git = root / ".mlversion" / "history.git"
    assert not list(git.rglob("tmp_*")) and not list(git.glob("fast_import_crash_*"))
    filler.unlink()
    assert _count(root) == 1
    assert json.loads(_cli(root, "verify", "--json").stdout)["ok"]


def test_non_utf8_names_are_skipped_with_a_warning(project: Path) -> None:
    bad = os.fsencode(project / "data") + b"/caf\xe9.csv"
    with open(bad, "wb") as handle:
        handle.write(b"x\n")
    (project / "data" / "b.csv").write_text("b\n")
    out = _cli(project, "snapshot", "data", "-m", "two", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [c["path"] for c in result["changes"]] == ["data/b.csv"]
    assert any("caf\\xe9.csv" in w and "UTF-8" in w for w in result["warnings"])
    named = _cli(project, "snapshot", os.fsdecode(b"caf\xe9.csv"))
    assert "UTF-8" in _one_line_error(named)


def test_a_closed_pipe_ends_quietly(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", "show", "HEAD", "--json"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first byte, as with `| head -c 0`
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == b""


@pytest.mark.parametrize("args", [["-n", "-1"], ["--offset", "-5"], ["-n", "x"]])
def test_negative_counts_are_refused(project: Path, args: list[str]) -> None:
    assert "log" in _one_line_error(_cli(project, "log", *args), code=2)


def test_json_errors_are_json_on_stdout(project: Path) -> None:
    out = _cli(project, "show", "nope", "--json")
    assert out.returncode == 1
    body = json.loads(out.stdout)
    assert body["error"] == "ReferenceNotFoundError" and "nope" in body["message"]
    usage = _cli(project, "log", "-n", "-1", "--json")
    assert usage.returncode == 2 and json.loads(usage.stdout)["error"] == "UsageError"


@pytest.mark.parametrize("bad", ["a\nb.txt", "a\\b.txt", ".GIT/x.txt", "d/.Git"])
def test_bad_paths_leave_tracked_json_unchanged(project: Path, bad: str) -> None:
    target = project / bad
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("x")
    tracked = (project / ".mlversion" / "tracked.json").read_text()
    assert "invalid path" in _one_line_error(_cli(project, "snapshot", bad, "-m", "bad"))
    assert (project / ".mlversion" / "tracked.json").read_text() == tracked
    assert _count(project) == 1


def test_an_outside_link_leaves_tracked_json_unchanged(project: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s")
    (project / "link.txt").symlink_to(tmp_path / "secret.txt")
    tracked = (project / ".mlversion" / "tracked.json").read_text()
    _one_line_error(_cli(project, "snapshot", "link.txt"))
    assert (project / ".mlversion" / "tracked.json").read_text() == tracked


def test_a_bad_name_inside_a_folder_is_skipped_not_the_folder(project: Path) -> None:
    for name in ("new\nline.csv", "back\\slash.csv", ".GIT"):
        (project / "data" / name).write_text("x")
    (project / "data" / "good.csv").write_text("g\n")
    out = _cli(project, "snapshot", "data", "-m", "more", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [c["path"] for c in result["changes"]] == ["data/good.csv"]
    assert len([w for w in result["warnings"] if "rename it" in w]) == 3


def test_an_empty_path_is_refused(project: Path) -> None:
    tracked = (project / ".mlversion" / "tracked.json").read_text()
    assert "empty path" in _one_line_error(_cli(project, "snapshot", ""), code=2)
    assert (project / ".mlversion" / "tracked.json").read_text() == tracked

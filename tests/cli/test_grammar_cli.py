"""The shared grammar on the command line: synonyms, typed values, usage errors, diff --file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_mlversion.core.repository import Repository

ROOT = Path(__file__).parents[2]


def run(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == code, (out.stdout, out.stderr)
    return out


def js(cwd: Path, *args: str) -> Any:
    return json.loads(run(cwd, *args, "--json").stdout)


def _notebook(path: Path, sources: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, id=f"cell-{i}") for i, src in enumerate(sources)]
    nbformat.write(nb, path)


@pytest.fixture
def two_snapshots(tmp_path: Path) -> Path:
    """A CSV and a notebook, each changed between snapshot 'first' and HEAD."""
    run(tmp_path, "init")
    (tmp_path / "t.csv").write_text("id,x\n1,a\n2,b\n3,c\n")
    _notebook(tmp_path / "a.ipynb", ["x = 1", "print(x)"])
    run(tmp_path, "snapshot", "t.csv", "a.ipynb", "-m", "first", "--tag", "first")
    (tmp_path / "t.csv").write_text("id,x\n1,a\n2,B\n4,d\n")
    _notebook(tmp_path / "a.ipynb", ["x = 2", "print(x)", "y = x * 10"])
    run(tmp_path, "commit", "-m", "second")
    return tmp_path


def test_commit_is_snapshot_with_typed_params_and_aliases(tmp_path: Path) -> None:
    run(tmp_path, "init")
    (tmp_path / "m.bin").write_bytes(b"weights")
    out = js(tmp_path, "commit", "m.bin", "-m", "via commit", "--metric", "acc=1",
             "--param", "flag=true", "--param", "n=3", "--param", "name=abc",
             "--param", "lr=0.1", "--param", "layers=[64,32]", "--alias", "m.bin:best")  # fmt: skip
    snap = out["snapshot"]
    assert snap["message"] == "via commit" and snap["metrics"] == {"acc": 1.0}
    assert snap["params"] == {"flag": True, "n": 3, "name": "abc", "lr": 0.1, "layers": [64, 32]}
    assert out["aliases"] == [{"path": "m.bin", "alias": "best", "version": 0}]
    assert js(tmp_path, "alias")["aliases"] == {"m.bin": {"best": 0}}
    (tmp_path / "m.bin").write_bytes(b"weights 2")
    assert js(tmp_path, "snapshot", "-m", "via snapshot")["snapshot"]["message"] == "via snapshot"
    assert js(tmp_path, "log")["total"] == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("snapshot", "--metric", "acc=high"), "metric 'acc' must be a number"),
        (("commit", "--metric", "acc"), "--metric wants KEY=VALUE"),
        (("snapshot", "--param", "=3"), "--param wants KEY=VALUE"),
        (("snapshot", "--alias", "nocolon"), "--alias wants PATH:NAME"),
        (("log", "-n", "-2"), "whole number"),
        (("diff", "--key", "id"), "--key chooses a table's key columns"),
        (("inputs",), "which cell?"),
    ],
)
def test_bad_values_are_one_line_usage_errors(two_snapshots: Path, args, needle) -> None:
    out = run(two_snapshots, *args, code=2)
    assert needle in out.stderr and out.stderr.count("\n") == 1 and out.stdout == ""


def test_diff_file_csv_json_is_the_core_shape(two_snapshots: Path) -> None:
    out = js(two_snapshots, "diff", "first", "HEAD", "--file", "t.csv", "--key", "id")
    with Repository.open(two_snapshots) as repo:
        core = json.loads(json.dumps(repo.diff_file("t.csv", "first", "HEAD", keys=["id"])))
    assert out == core
    rows = out["detail"]["rows"]
    assert (out["kind"], out["status"], out["detail"]["keys"]) == ("dataset", "modified", ["id"])
    assert (rows["added"], rows["removed"], rows["changed"], rows["unchanged"]) == (1, 1, 1, 1)


def test_diff_file_human_csv_and_notebook(two_snapshots: Path) -> None:
    table = run(two_snapshots, "diff", "first", "HEAD", "--file", "t.csv", "--key", "id").stdout
    assert "rows: 3 -> 3; 1 added, 1 removed, 1 changed, 1 unchanged" in table
    assert "x: 'b' -> 'B'" in table and '+ {"id": 4, "x": "d"}' in table

    nb = run(two_snapshots, "diff", "first", "HEAD", "--file", "a.ipynb").stdout
    assert "cells: 2 -> 3; 1 added, 0 removed, 1 modified" in nb
    assert "+ added code cell 2 [cell-2]: y = x * 10" in nb
    assert "~ modified code cell 0 [cell-0]" in nb and "- x = 1" in nb and "+ x = 2" in nb


def test_diff_file_errors_name_the_path_and_next_step(two_snapshots: Path) -> None:
    out = run(two_snapshots, "diff", "first", "HEAD", "--file", "nope.csv", code=1)
    assert "nope.csv is in neither first nor HEAD" in out.stderr
    assert "mlversion show HEAD" in out.stderr
    out = run(two_snapshots, "diff", "nosuch", "HEAD", "--file", "t.csv", code=1)
    assert "unknown reference 'nosuch'" in out.stderr


def test_legacy_alias_spellings_still_work(two_snapshots: Path) -> None:
    assert js(two_snapshots, "alias", "t.csv", "old", "--version", "v0")["version"]["label"] == "v0"
    assert js(two_snapshots, "alias", "t.csv", "new", "v1")["version"]["label"] == "v1"
    assert js(two_snapshots, "alias", "t.csv", "old", "--remove")["deleted"] == "t.csv@old"
    assert js(two_snapshots, "registry")["models"] == []
    page = js(two_snapshots, "log", "-n", "1", "--offset", "1")["snapshots"]
    assert [s["message"] for s in page] == ["first"]


def _safetensors(path: Path, tensors: dict[str, tuple[str, list[int], bytes]]) -> None:
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    text = json.dumps(header).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + data)


def test_diff_file_model_lists_tensors(tmp_path: Path) -> None:
    run(tmp_path, "init")
    model = tmp_path / "m.safetensors"
    _safetensors(model, {"w": ("F32", [2], b"\0" * 8), "b": ("F32", [1], b"\0" * 4)})
    run(tmp_path, "snapshot", "m.safetensors", "-m", "one")
    _safetensors(model, {"w": ("F32", [3], b"\1" * 12), "c": ("F16", [2], b"\0" * 4)})
    run(tmp_path, "snapshot", "-m", "two", "--alias", "m.safetensors:best")
    out = run(tmp_path, "diff", "HEAD~1", "HEAD", "--file", "m.safetensors").stdout
    assert "tensors: 1 added, 1 removed, 1 changed, 0 unchanged" in out
    assert "+ c F16[2]" in out and "- b F32[1]" in out and "~ w F32[2] -> F32[3]" in out


def test_start_up_imports_no_diff_engine() -> None:
    """Opening a project must not load pyarrow or nbdime: every command pays for its imports."""
    code = (
        "import sys, jupyter_mlversion.cli.main, jupyter_mlversion.core.repository\n"
        "print(sorted(m for m in ('pyarrow', 'nbdime', 'numpy') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr

"""Merging branches on real files: notebooks with nbdime, tables by row, models as wholes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from jupyter_mlversion.core.errors import (
    MergeInProgressError,
    NoMergeInProgressError,
    UnresolvedConflictsError,
)
from jupyter_mlversion.core.repository import Repository

Edit = Callable[[Path], None]


def _notebook(path: Path, sources: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    for i, src in enumerate(sources):
        cell = nbformat.v4.new_code_cell(src)
        cell["id"] = f"cell-{i}"
        cell["outputs"] = [nbformat.v4.new_output("stream", text=f"out {src}\n")]
        nb.cells.append(cell)
    nbformat.write(nb, path)


def _set_cell(path: Path, index: int, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells[index].source = source
    nb.cells[index].outputs = [nbformat.v4.new_output("stream", text=f"out {source}\n")]
    nbformat.write(nb, path)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    r = Repository.init(tmp_path)
    _notebook(tmp_path / "nb.ipynb", ["a = 1", "b = 2", "c = 3"])
    (tmp_path / "data.csv").write_text("id,x,y\n1,a,10\n2,b,20\n3,c,30\n")
    pd.DataFrame({"id": [1, 2, 3], "v": [0.5, 1.5, 2.5]}).to_parquet(tmp_path / "t.parquet")
    (tmp_path / "model.bin").write_bytes(b"model v0")
    r.snapshot(["nb.ipynb", "data.csv", "t.parquet", "model.bin"], message="base")
    return r


def _diverge(repo: Repository, theirs: Edit, ours: Edit) -> None:
    """Branch ``feature`` gets ``theirs``' edit, main gets ``ours``'; main is current after."""
    repo.switch("feature", create=True)
    theirs(repo.root)
    repo.snapshot(message="on feature")
    repo.switch("main")
    ours(repo.root)
    repo.snapshot(message="on main")


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".mlversion" not in p.parts
    }


def test_fast_forward_moves_the_branch_and_the_tree(repo: Repository) -> None:
    repo.switch("feature", create=True)
    (repo.root / "model.bin").write_bytes(b"model v1")
    tip = repo.snapshot(message="better model").snapshot
    assert tip is not None
    repo.switch("main")
    result = repo.merge("feature")
    assert result.state == "fast-forward" and repo.head() == tip.id
    assert (repo.root / "model.bin").read_bytes() == b"model v1"
    assert repo.status().clean
    assert repo.merge("feature").state == "up-to-date"
    assert repo.branches().branches[0].merged


def test_clean_notebook_merge_of_different_cells(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: _set_cell(root / "nb.ipynb", 2, "c = 30"),
        ours=lambda root: _set_cell(root / "nb.ipynb", 0, "a = 10"),
    )
    ours_head = repo.head()
    result = repo.merge("feature", metrics={"acc": 0.9})
    assert result.state == "merged" and result.snapshot is not None
    merged = nbformat.read(repo.root / "nb.ipynb", as_version=4)  # nbdime's result reads back
    nbformat.validate(merged)
    assert [c.source for c in merged.cells] == ["a = 10", "b = 2", "c = 30"]
    assert merged.cells[2].outputs[0]["text"] == "out c = 30\n"  # outputs follow their cell
    snap = repo.show(result.snapshot)[0]
    assert snap.parents == (ours_head, repo.resolve("feature")) and snap.metrics == {"acc": 0.9}
    assert repo.status().clean


def test_notebook_cell_conflict_resolved_theirs_then_continue(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: _set_cell(root / "nb.ipynb", 1, "b = 'theirs'"),
        ours=lambda root: _set_cell(root / "nb.ipynb", 1, "b = 'ours'"),
    )
    result = repo.merge("feature")
    assert result.state == "conflicts"
    [conflict] = result.conflicts
    assert conflict["path"] == "nb.ipynb" and conflict["cells"][0]["id"] == "cell-1"
    assert "<<<<<<<" in (repo.root / "nb.ipynb").read_text()  # editable inline markers
    with pytest.raises(UnresolvedConflictsError, match="nb.ipynb"):
        repo.merge_continue()
    with pytest.raises(MergeInProgressError):
        repo.merge("feature")
    with pytest.raises(MergeInProgressError):
        repo.switch("feature")
    assert repo.status().merge == {"branch": "feature", "unresolved": ["nb.ipynb"], "resolved": []}
    repo.resolve_conflict("nb.ipynb", "theirs")
    done = repo.merge_continue(message="take theirs")
    assert done.state == "merged" and done.snapshot is not None
    nb = nbformat.read(repo.root / "nb.ipynb", as_version=4)
    assert nb.cells[1].source == "b = 'theirs'"
    assert len(repo.show(done.snapshot)[0].parents) == 2
    assert repo.merge_state() is None and repo.status().clean


def test_keyed_csv_and_parquet_rows_merge(repo: Repository) -> None:
    def theirs(root: Path) -> None:
        (root / "data.csv").write_text("id,x,y\n1,a,10\n2,B,20\n3,c,30\n4,d,40\n")
        pd.DataFrame({"id": [1, 2, 3, 4], "v": [0.5, 1.5, 2.5, 3.5]}).to_parquet(root / "t.parquet")

    def ours(root: Path) -> None:
        (root / "data.csv").write_text("id,x,y\n1,a,10\n2,b,20\n3,c,30\n5,e,50\n")
        pd.DataFrame({"id": [1, 2, 3, 5], "v": [9.5, 1.5, 2.5, 5.5]}).to_parquet(root / "t.parquet")

    _diverge(repo, theirs, ours)
    preview = repo.merge_preview("feature")
    outcomes = {f["path"]: f["outcome"] for f in preview["files"]}
    assert outcomes == {"data.csv": "merged", "t.parquet": "merged"}
    result = repo.merge("feature")
    assert result.state == "merged"
    assert (repo.root / "data.csv").read_text() == (
        "id,x,y\n1,a,10\n2,B,20\n3,c,30\n5,e,50\n4,d,40\n"
    )
    table = pd.read_parquet(repo.root / "t.parquet")
    assert table.to_dict("list") == {"id": [1, 2, 3, 5, 4], "v": [9.5, 1.5, 2.5, 5.5, 3.5]}
    assert str(table["id"].dtype) == "int64"


def test_same_row_changed_on_both_sides_conflicts(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: (root / "data.csv").write_text("id,x,y\n1,a,10\n2,T,20\n3,c,30\n"),
        ours=lambda root: (root / "data.csv").write_text("id,x,y\n1,a,10\n2,O,20\n3,c,30\n"),
    )
    result = repo.merge("feature", keys=["id"])
    [conflict] = result.conflicts
    assert conflict["kind"] == "table" and conflict["key"] == ["id"]
    assert conflict["rows"] == [
        {
            "key": {"id": "2"},
            "base": {"id": "2", "x": "b", "y": "20"},
            "ours": {"id": "2", "x": "O", "y": "20"},
            "theirs": {"id": "2", "x": "T", "y": "20"},
        }
    ]
    assert (repo.root / "data.csv").read_text() == "id,x,y\n1,a,10\n2,O,20\n3,c,30\n"


def test_schema_change_on_both_sides_conflicts(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: (root / "data.csv").write_text("id,x,y,t\n1,a,10,1\n2,b,20,1\n"),
        ours=lambda root: (root / "data.csv").write_text("id,x,o\n1,a,1\n2,b,1\n"),
    )
    [conflict] = repo.merge("feature").conflicts
    assert conflict["path"] == "data.csv" and "columns changed on both sides" in conflict["detail"]


def test_model_binary_changed_on_both_sides_conflicts(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: (root / "model.bin").write_bytes(b"model theirs"),
        ours=lambda root: (root / "model.bin").write_bytes(b"model ours"),
    )
    result = repo.merge("feature")
    [conflict] = result.conflicts
    assert conflict == {
        "path": "model.bin",
        "kind": "file",
        "outcome": "conflict",
        "detail": "changed on both sides to different content",
    }
    assert (repo.root / "model.bin").read_bytes() == b"model ours"
    repo.resolve_conflict("model.bin", "ours")
    assert repo.merge_continue().state == "merged"
    assert (repo.root / "model.bin").read_bytes() == b"model ours"


def test_abort_restores_every_byte(repo: Repository) -> None:
    def theirs(root: Path) -> None:
        (root / "model.bin").write_bytes(b"model theirs")
        (root / "new-on-feature.txt").write_text("added there")
        _set_cell(root / "nb.ipynb", 1, "b = 't'")
        (root / "data.csv").write_text("id,x,y\n1,a,10\n2,b,20\n3,c,30\n4,d,40\n")

    def ours(root: Path) -> None:
        (root / "model.bin").write_bytes(b"model ours")
        _set_cell(root / "nb.ipynb", 1, "b = 'o'")
        (root / "data.csv").write_text("id,x,y\n1,a,10\n2,b,20\n")

    _diverge(repo, theirs, ours)
    before = _tree(repo.root)
    head = repo.head()
    result = repo.merge("feature")
    assert result.state == "conflicts" and _tree(repo.root) != before
    assert (repo.root / "new-on-feature.txt").exists()
    repo.merge_abort()
    assert _tree(repo.root) == before and repo.head() == head
    assert repo.merge_state() is None and repo.status().clean
    with pytest.raises(NoMergeInProgressError):
        repo.merge_abort()


def test_edit_then_resolve_and_unsaved_work_is_kept_first(repo: Repository) -> None:
    _diverge(
        repo,
        theirs=lambda root: (root / "model.bin").write_bytes(b"theirs"),
        ours=lambda root: (root / "model.bin").write_bytes(b"ours"),
    )
    (repo.root / "data.csv").write_text("id,x,y\n1,unsaved,10\n")
    result = repo.merge("feature")
    assert result.safety_snapshot is not None  # the unsaved CSV went into a snapshot first
    assert repo.show(result.safety_snapshot)[0].message.startswith("Automatic snapshot")
    (repo.root / "model.bin").write_bytes(b"hand-merged")
    repo.resolve_conflict("model.bin")
    done = repo.merge_continue()
    files = repo.files_at(done.snapshot or "")
    assert b"".join(repo.read_bytes(files["model.bin"], done.snapshot or "")) == b"hand-merged"


def test_model_registered_on_a_branch_stays_valid_after_merge(repo: Repository) -> None:
    repo.switch("train", create=True)
    (repo.root / "model.bin").write_bytes(b"trained on branch")
    on_branch = repo.snapshot(message="trained").snapshot
    assert on_branch is not None
    registered = repo.register_model("clf", "model.bin@train")
    assert registered.snapshot == on_branch.id
    repo.switch("main")
    (repo.root / "data.csv").write_text("id,x,y\n1,a,10\n")
    repo.snapshot(message="main data")
    assert repo.merge("train").state == "merged"
    repo.delete_branch("train")  # merged: nothing becomes unreachable
    [model] = repo.registered_models()
    version = model.versions[0]
    assert version.snapshot == on_branch.id
    stored = repo.resolve_artifact(f"model.bin@{on_branch.id}")
    assert b"".join(
        repo.read_bytes(repo.files_at(stored.snapshot)["model.bin"], stored.snapshot)
    ) == (b"trained on branch")
    assert (repo.root / "model.bin").read_bytes() == b"trained on branch"

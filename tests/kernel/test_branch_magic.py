"""Branches from the magic in a real IPython shell: lineage and cell inputs on every branch."""

from __future__ import annotations

from pathlib import Path

from jupyter_mlversion.core.repository import Repository

CSV = "a,b\n1,2\n"


def test_cell_inputs_roll_back_to_a_snapshot_on_another_branch(shell, project: Path) -> None:
    (project / "in.csv").write_text(CSV)
    shell.run("import pathlib\nrows = pathlib.Path('in.csv').read_text()", "cell-1")
    shell.run("%mlversion commit -m 'main run'")
    shell.run("%mlversion switch -c feature")
    (project / "in.csv").write_text(CSV + "3,4\n")
    shell.run("rows = pathlib.Path('in.csv').read_text()", "cell-1")
    shell.run("%mlversion commit -m 'feature run'")
    feature_run = Repository.open(project).head()
    shell.run("%mlversion switch main")
    assert (project / "in.csv").read_text() == CSV
    (project / "in.csv").write_text(CSV + "5,6\n")
    shell.run("rows = pathlib.Path('in.csv').read_text()", "cell-1")
    shell.run("%mlversion commit -m 'main second run'")
    repo = Repository.open(project)
    # lineage spans branches: the cell's three runs, each with the version it read
    runs = repo.cell_inputs("cell-1")
    assert [g["message"] for g in runs] == ["main second run", "feature run", "main run"]
    assert [g["reads"][0]["version"] for g in runs] == [2, 1, 0]
    # rolled back to the feature branch's run, from main: the bytes it read then
    shell.run(f"%mlversion restore --cell cell-1 --to {feature_run}")
    assert (project / "in.csv").read_text() == CSV + "3,4\n"
    assert repo.current_branch() == "main"


def test_branch_switch_merge_and_status_in_the_magic(shell, project: Path) -> None:
    (project / "model.bin").write_bytes(b"v0")
    shell.run("%mlversion commit model.bin -m base")
    shell.run("%mlversion branch exp")
    listed = shell.run("%mlversion branch")
    assert [b.name for b in listed.data.branches] == ["exp", "main"]
    shell.run("%mlversion switch exp")
    (project / "model.bin").write_bytes(b"v1")
    shell.run("%mlversion commit model.bin -m 'exp model'")
    shell.run("%mlversion switch main")
    (project / "model.bin").write_bytes(b"v2")
    shell.run("%mlversion commit model.bin -m 'main model'")
    stopped = shell.run("%mlversion merge exp")
    assert stopped.data.state == "conflicts" and "conflict" in stopped.to_text()
    status = shell.run("%mlversion status")
    assert "merging exp: 1 conflict(s) unresolved (model.bin)" in status.to_text()
    shell.run("%mlversion resolve model.bin --theirs")
    done = shell.run("%mlversion merge --continue -m 'exp wins'")
    assert done.data.state == "merged" and (project / "model.bin").read_bytes() == b"v1"
    error = shell.fails("%mlversion merge --abort")
    assert "no merge is in progress" in str(error)
    log = shell.run("%mlversion log --all")
    assert "exp wins (merge)" in log.to_text()

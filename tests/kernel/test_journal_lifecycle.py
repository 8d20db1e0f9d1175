"""The journal's lifecycle: kernels append, the engine folds, consumes and cleans, once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jupyter_mlversion
from jupyter_mlversion.core.journal import Journals
from jupyter_mlversion.core.repository import Repository

CSV = "a,b\n1,2\n3,4\n"
EMPTY_NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def test_rolling_back_a_cells_inputs_after_two_runs(shell, project: Path) -> None:
    (project / "in.csv").write_text(CSV)
    shell.run("import pathlib\nrows = pathlib.Path('in.csv').read_text()", "cell-1")
    shell.run("%mlversion commit -m 'first run'")
    (project / "in.csv").write_text(CSV + "7,7\n")
    shell.run("rows = pathlib.Path('in.csv').read_text()", "cell-1")
    shell.run("%mlversion commit -m 'second run'")
    repo = Repository.open(project)
    history = repo.cell_inputs("cell-1")
    assert [g["reads"][0]["version"] for g in history] == [1, 0]
    repo.restore_cell_inputs("cell-1", to="HEAD~1")
    assert (project / "in.csv").read_text() == CSV


def test_commit_with_nothing_new_makes_no_snapshot(shell, project: Path) -> None:
    (project / "in.csv").write_text(CSV)
    shell.run("import pathlib\nrows = pathlib.Path('in.csv').read_text()", "reader")
    first = shell.run("%mlversion commit -m 'read in.csv'").data.result
    assert first.created
    again = shell.run("%mlversion commit -m 'again'").data.result
    assert not again.created
    # Re-running the cell on the same file records nothing new either.
    shell.run("rows = pathlib.Path('in.csv').read_text()", "reader")
    rerun = shell.run("%mlversion commit -m 'rerun'").data.result
    assert not rerun.created
    assert Repository.open(project).count() == 1


def test_a_consumed_journal_is_not_folded_again(shell, project: Path) -> None:
    (project / "in.csv").write_text(CSV)
    (project / "other.txt").write_text("x")
    shell.run("import pathlib\nrows = pathlib.Path('in.csv').read_text()", "reader")
    shell.run("%mlversion commit -m 'first'")
    shell.run("pathlib.Path('other.txt').write_text('y')", "writer")
    snap = shell.run("%mlversion commit -m 'second'").data.result.snapshot
    assert [c.cell_id for c in snap.lineage] == ["writer"]


def test_logged_metrics_reach_a_snapshot_taken_outside_the_kernel(shell, project: Path) -> None:
    (project / "in.csv").write_text(CSV)
    shell.run(
        "from jupyter_mlversion.kernel import log_metric, log_param\n"
        "import pathlib\nrows = pathlib.Path('in.csv').read_text()\n"
        "log_metric('accuracy', 0.75); log_param('flag', True)",
        "train",
    )
    status = Repository.open(project).status(kernel=shell_journal(project))
    assert status.metrics == {"accuracy": 0.75} and not status.clean
    result = Repository.open(project).snapshot(kernel=shell_journal(project), message="m")
    assert result.snapshot.metrics == {"accuracy": 0.75}
    assert result.snapshot.params == {"flag": True}
    assert [c.cell_id for c in result.snapshot.lineage] == ["train"]
    assert result.snapshot.environment["kernel"]["shell"]
    assert Repository.open(project).status(kernel=shell_journal(project)).clean


def test_notebook_option_applies_to_one_command(shell, project: Path) -> None:
    (project / "a.ipynb").write_text(
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    (project / "b.txt").write_text("b")
    shell.run("%mlversion commit -m 'with a' --notebook a.ipynb")
    shell.run("import pathlib\npathlib.Path('b.txt').write_text('bb')", "w")
    snap = shell.run("%mlversion commit -m 'no notebook'").data.result.snapshot
    assert snap.lineage[0].notebook is None
    assert shell.ip.user_ns  # the shell is still usable
    from jupyter_mlversion.kernel import get_session

    assert get_session().notebook_override is None


def test_an_ended_kernel_leaves_no_orphan_for_other_notebooks(tmp_path: Path) -> None:
    Repository.init(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.ipynb").write_text(EMPTY_NOTEBOOK)
        (tmp_path / f"{name}.csv").write_text(CSV)
    run_kernel(tmp_path, "a.ipynb", "import pathlib\npathlib.Path('a.csv').read_text()")
    repo = Repository.open(tmp_path)
    other = repo.snapshot(notebook="b.ipynb", message="b only")
    assert other.snapshot.lineage == ()
    assert {c.path for c in other.changes} == {"b.ipynb"}
    mine = Repository.open(tmp_path).snapshot(notebook="a.ipynb", message="a")
    assert [c.notebook for c in mine.snapshot.lineage] == ["a.ipynb"]
    assert {c.path for c in mine.changes} == {"a.ipynb", "a.csv"}
    # Consumed and its kernel gone: the journal is deleted, nothing waits any more.
    assert Journals(tmp_path / ".mlversion").names() == []


def shell_journal(project: Path) -> str:
    from jupyter_mlversion.kernel import get_session

    session = get_session()
    assert session is not None and session.journal is not None
    return session.journal.name


def run_kernel(project: Path, notebook: str, cell: str) -> None:
    """Run one cell in a separate IPython process that knows its notebook, then end it."""
    script = textwrap.dedent(
        f"""
        from IPython.core.interactiveshell import InteractiveShell
        ip = InteractiveShell.instance()
        ip.run_line_magic("load_ext", "jupyter_mlversion")
        ip.run_cell({cell!r}, store_history=True, cell_id="only").raise_error()
        """
    )
    source_root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "JPY_SESSION_NAME": str(project / notebook),
        "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run([sys.executable, "-c", script], cwd=project, env=env, check=True, timeout=120)

"""Build a project for the browser tests: ``python make_project.py ROOT NAME [--snapshots N]``.

A notebook whose first code cell reads ``data/train.csv``, two snapshots that recorded that
cell's lineage (the CSV at v0, then v1), and one uncommitted change so the status has
something to show. The cell really runs, in an IPython shell with the extension loaded, so
its lineage comes from the kernel's capture and journal as in JupyterLab; nothing here writes
lineage by hand. With ``--model`` a third snapshot adds ``models/clf.pkl`` (v0) for the
registry to register. With ``--snapshots N`` the history is padded to N snapshots through
``git fast-import`` (seconds, not the minutes N real snapshots would take), for W10.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_mlversion.core.repository import Repository

AUTHOR = ("Ada Tester", "ada@example.org")
CELL_ID = "load-data"


LOAD_SOURCE = 'import pandas as pd\ntable = pd.read_csv("data/train.csv")\nlen(table)'


class Kernel:
    """An IPython shell running the notebook's cells, as its kernel in JupyterLab would."""

    def __init__(self, folder: Path) -> None:
        from IPython.core.interactiveshell import InteractiveShell

        os.environ["JPY_SESSION_NAME"] = str(folder / "train.ipynb")
        os.chdir(folder)
        self.ip: Any = InteractiveShell.instance()
        with contextlib.redirect_stdout(io.StringIO()):
            self.ip.run_line_magic("load_ext", "jupyter_mlversion")

    def run_load_cell(self) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            self.ip.run_cell(LOAD_SOURCE, store_history=True, cell_id=CELL_ID).raise_error()

    @property
    def journal(self) -> str:
        from jupyter_mlversion.kernel import get_session

        session = get_session()
        assert session is not None and session.journal is not None
        return session.journal.name


def notebook(rows: int) -> nbformat.NotebookNode:
    load = new_code_cell(LOAD_SOURCE)
    load.id = CELL_ID
    note = new_markdown_cell(f"# Training\nUses {rows} rows.")
    note.id = "intro"
    nb = new_notebook(cells=[note, load])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def write_csv(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["id,feature,label"] + [f"{i},{i * 0.5},{i % 2}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def snapshot(
    repo: Repository, kernel: Kernel, message: str, accuracy: float, tags: tuple[str, ...] = ()
) -> str:
    """Run the load cell, then snapshot the notebook as the sidebar's button does."""
    kernel.run_load_cell()
    result = repo.snapshot(
        ["data/train.csv"],
        notebook="train.ipynb",
        kernel=kernel.journal,
        message=message,
        metrics={"accuracy": accuracy, "loss": round(1 - accuracy, 3)},
        params={"rows": 10},
        author=AUTHOR,
        tags=tags,
    )
    assert result.snapshot is not None, result
    return result.snapshot.id


def pad_history(repo: Repository, count: int) -> None:
    """Add snapshots on top of HEAD with git fast-import: same files, new metrics."""
    git_dir = repo.meta / "history.git"
    head = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", "refs/heads/main"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    meta = json.loads(
        subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{head}:.mlversion/snapshot.json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    meta["lineage"] = []
    out: list[bytes] = []
    when = 1_700_000_000
    for i in range(count):
        meta["metrics"] = {"accuracy": round(0.5 + (i % 500) / 1000, 4), "step": i}
        body = json.dumps(meta, sort_keys=True, indent=2).encode()
        message = f"Experiment {i}: tune the model".encode()
        out += [
            b"commit refs/heads/main\n",
            b"author Ada Tester <ada@example.org> %d +0000\n" % (when + i * 60),
            b"committer Ada Tester <ada@example.org> %d +0000\n" % (when + i * 60),
            b"data %d\n%s\n" % (len(message), message),
        ]
        if i == 0:
            out.append(b"from %s\n" % head.encode())
        out.append(b"M 100644 inline .mlversion/snapshot.json\ndata %d\n%s\n" % (len(body), body))
    subprocess.run(
        ["git", f"--git-dir={git_dir}", "fast-import", "--quiet"],
        input=b"".join(out),
        check=True,
    )


def fresh_folder(root: str, name: str) -> Path:
    """``root/name``, made empty: a retried test finds no leftovers of its failed try."""
    folder = Path(root) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
    parser.add_argument("--snapshots", type=int, default=0)
    parser.add_argument("--model", action="store_true")
    args = parser.parse_args()
    folder = fresh_folder(args.root, args.name)
    write_csv(folder / "data" / "train.csv", 10)
    nbformat.write(notebook(10), folder / "train.ipynb")
    repo = Repository.init(folder)
    kernel = Kernel(folder)
    snapshot(repo, kernel, "Baseline on 10 rows", 0.8, tags=("baseline",))
    write_csv(folder / "data" / "train.csv", 20)
    nbformat.write(notebook(20), folder / "train.ipynb")
    snapshot(repo, kernel, "Train on 20 rows", 0.85)
    if args.model:
        model = folder / "models" / "clf.pkl"
        model.parent.mkdir()
        model.write_bytes(bytes(range(256)) * 16)  # opaque bytes: nothing ever unpickles it
        result = repo.snapshot(["models/clf.pkl"], message="Save the classifier", author=AUTHOR)
        assert result.snapshot is not None, result
    if args.snapshots > 2:
        pad_history(repo, args.snapshots - 2)
        repo = Repository(folder)
        repo.log(limit=1)  # builds the index now rather than on the first request
    # An uncommitted change for the status to show.
    write_csv(folder / "data" / "train.csv", 30)
    print(folder)


if __name__ == "__main__":
    main()

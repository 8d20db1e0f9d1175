"""Build a project for the reproduce test: ``python make_reproduce.py ROOT NAME``.

Prints ``{"folder", "base", "more"}``: the project's path and the two snapshots' ids.

A notebook whose ``train`` cell reads ``data/raw.csv``, writes ``models/mean.txt``, logs the
metric ``mean`` and prints it; two snapshots of it (tagged ``base`` on 1,2,3, then on 10,20),
each holding the notebook with the cell's printed output, as JupyterLab would have saved it.
The cells really run in an IPython shell with the extension loaded, so the lineage and the
metric come from the kernel's journal; nothing here writes lineage by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import nbformat
from make_project import fresh_folder
from nbformat.v4 import new_code_cell, new_notebook, new_output

from jupyter_mlversion.core.repository import Repository

AUTHOR = ("Ada Tester", "ada@example.org")
SETUP = (
    "%load_ext jupyter_mlversion\n"
    "from jupyter_mlversion.kernel import log_metric\n"
    "def put(path, text):\n"
    "    with open(path, 'w') as out:\n"
    "        out.write(text)"
)
TRAIN = (
    "with open('data/raw.csv') as f:\n"
    "    values = [int(v) for v in f.read().split()[1:]]\n"
    "mean = sum(values) / len(values)\n"
    "put('models/mean.txt', str(mean))\n"
    "log_metric('mean', mean)\n"
    "print('mean', mean)"
)


def write_notebook(path: Path, printed: str | None) -> None:
    """The notebook as JupyterLab saves it after a run (``printed``: what train printed)."""
    setup = new_code_cell(SETUP, id="setup", execution_count=1)
    train = new_code_cell(TRAIN, id="train", execution_count=2)
    if printed is not None:
        train.outputs = [new_output("stream", name="stdout", text=printed)]
    nb = new_notebook(cells=[setup, train])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
    args = parser.parse_args()
    folder = fresh_folder(args.root, args.name)
    (folder / "data").mkdir()
    (folder / "models").mkdir()
    notebook = folder / "train.ipynb"
    write_notebook(notebook, None)
    repo = Repository.init(folder)
    os.environ["JPY_SESSION_NAME"] = str(notebook)
    os.chdir(folder)
    from IPython.core.interactiveshell import InteractiveShell

    ip: Any = InteractiveShell.instance()
    with contextlib.redirect_stdout(io.StringIO()):
        ip.run_line_magic("load_ext", "jupyter_mlversion")
        from jupyter_mlversion.kernel import get_session

        session = get_session()
        assert session is not None and session.journal is not None
        ip.run_cell(SETUP, store_history=True, cell_id="setup").raise_error()
    ids: list[str] = []
    for message, values, tag in (
        ("Mean of 1, 2, 3", "1\n2\n3", "base"),
        ("More data", "10\n20", None),
    ):
        (folder / "data" / "raw.csv").write_text(f"x\n{values}\n")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            ip.run_cell(TRAIN, store_history=True, cell_id="train").raise_error()
        write_notebook(notebook, printed.getvalue())
        result = repo.snapshot(
            notebook="train.ipynb",
            kernel=session.journal.name,
            message=message,
            author=AUTHOR,
            tags=(tag,) if tag else (),
        )
        assert result.snapshot is not None, result
        assert "mean" in result.snapshot.metrics, result.snapshot.metrics
        ids.append(result.snapshot.id)
    print(json.dumps({"folder": str(folder), "base": ids[0], "more": ids[1]}))


if __name__ == "__main__":
    main()

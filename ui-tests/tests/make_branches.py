"""Build a project whose branches conflict, for the browser tests of merge.

``python make_branches.py ROOT NAME``: the project of ``make_project.py`` (two snapshots on
``main`` whose load cell really ran), then a branch ``tweak`` whose snapshot changes the load
cell's source, and a snapshot on ``main`` that changes the same cell differently. Merging
``tweak`` into ``main`` therefore stops on one conflicting notebook cell. The working tree is
left clean on ``main``. Prints the project folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from make_project import AUTHOR, CELL_ID, Kernel, fresh_folder, notebook, snapshot, write_csv

from jupyter_mlversion.core.repository import Repository

#: The load cell's source on each side of the conflict.
TWEAK_SOURCE = 'import pandas as pd\ntable = pd.read_csv("data/train.csv").head(5)\nlen(table)'
MAIN_SOURCE = 'import pandas as pd\ntable = pd.read_csv("data/train.csv").dropna()\nlen(table)'


def edit_load_cell(folder: Path, source: str) -> None:
    """Give the load cell another source (outputs stay as they were)."""
    path = folder / "train.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == CELL_ID)
    cell.source = source
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
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

    repo.switch("tweak", create=True)
    edit_load_cell(folder, TWEAK_SOURCE)
    result = repo.snapshot(["train.ipynb"], message="Only the first five rows", author=AUTHOR)
    assert result.snapshot is not None, result
    repo.switch("main")
    edit_load_cell(folder, MAIN_SOURCE)
    result = repo.snapshot(["train.ipynb"], message="Drop rows with gaps", author=AUTHOR)
    assert result.snapshot is not None, result
    print(folder)


if __name__ == "__main__":
    main()

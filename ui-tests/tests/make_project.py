"""Build a project for the browser tests: ``python make_project.py ROOT NAME [--snapshots N]``.

A notebook whose first code cell reads ``data/train.csv``, two snapshots that recorded that
cell's lineage (the CSV at v0, then v1), and one uncommitted change so the status has
something to show. With ``--model`` a third snapshot adds ``models/clf.pkl`` (v0) for the
registry to register. With ``--snapshots N`` the history is padded to N snapshots through
``git fast-import`` (seconds, not the minutes N real snapshots would take), for W10.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_mlversion.core.model import CellIO
from jupyter_mlversion.core.repository import Repository

AUTHOR = ("Ada Tester", "ada@example.org")
CELL_ID = "load-data"


def notebook(rows: int) -> nbformat.NotebookNode:
    load = new_code_cell('import pandas as pd\ntable = pd.read_csv("data/train.csv")\nlen(table)')
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


def snapshot(repo: Repository, message: str, accuracy: float, tags: tuple[str, ...] = ()) -> str:
    lineage = [CellIO(CELL_ID, 1, "train.ipynb", reads=({"path": "data/train.csv"},))]
    result = repo.snapshot(
        ["train.ipynb", "data/train.csv"],
        message=message,
        metrics={"accuracy": accuracy, "loss": round(1 - accuracy, 3)},
        params={"rows": 10},
        lineage=lineage,
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
    parser.add_argument("--snapshots", type=int, default=0)
    parser.add_argument("--model", action="store_true")
    args = parser.parse_args()
    folder = Path(args.root) / args.name
    folder.mkdir(parents=True)
    write_csv(folder / "data" / "train.csv", 10)
    nbformat.write(notebook(10), folder / "train.ipynb")
    repo = Repository.init(folder)
    snapshot(repo, "Baseline on 10 rows", 0.8, tags=("baseline",))
    write_csv(folder / "data" / "train.csv", 20)
    nbformat.write(notebook(20), folder / "train.ipynb")
    snapshot(repo, "Train on 20 rows", 0.85)
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

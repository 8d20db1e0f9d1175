"""A project with a folder remote, for the branch bar's Push and Pull (remotes.spec.ts).

``make_remote.py ROOT NAME``: project NAME in ROOT (the served folder) whose first snapshot is
on the remote (a folder outside ROOT) and whose second is not yet; prints ``{"remote": PATH}``.
``make_remote.py --teammate REMOTE``: a teammate clones REMOTE elsewhere, adds rows to
data/train.csv, snapshots and pushes; prints ``{"rows": N}``, the rows the file now has.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import nbformat
from make_project import AUTHOR, fresh_folder, notebook, write_csv

from jupyter_mlversion.core.repository import Repository

TEAMMATE = ("Bo Teammate", "bo@example.org")


def project(root: str, name: str) -> dict[str, str]:
    folder = fresh_folder(root, name)
    write_csv(folder / "data" / "train.csv", 10)
    nbformat.write(notebook(10), folder / "train.ipynb")
    remote = Path(tempfile.mkdtemp(prefix="mlversion-ui-remote-")) / "team"
    with Repository.init(folder) as repo:
        repo.snapshot(["train.ipynb", "data"], message="first", author=AUTHOR)
        repo.remote_add("origin", str(remote))
        repo.push()
        write_csv(folder / "data" / "train.csv", 12)
        repo.snapshot(["data"], message="two more rows", author=AUTHOR)
    return {"remote": str(remote)}


def teammate(remote: str) -> dict[str, int]:
    into = Path(tempfile.mkdtemp(prefix="mlversion-ui-teammate-")) / "clone"
    repo, _ = Repository.clone(remote, into)
    with repo:
        write_csv(into / "data" / "train.csv", 15)
        repo.snapshot(["data"], message="three rows from Bo", author=TEAMMATE)
        repo.push()
    return {"rows": 15}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", nargs="?")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--teammate", metavar="REMOTE")
    args = parser.parse_args()
    made = teammate(args.teammate) if args.teammate else project(args.root, args.name)
    print(json.dumps(made))


if __name__ == "__main__":
    main()

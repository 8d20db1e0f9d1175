"""Build a project with real lineage for the lineage view: ``python make_lineage.py ROOT NAME``.

A pipeline notebook (8 raw tables -> 8 cleaned -> features -> model) whose cells really run
in an IPython shell with the extension loaded, over ``--rounds`` rounds of new raw data, one
snapshot each (with an ``accuracy``): the lineage of ``models/model.bin`` has about 40 nodes
per round, 234 with the default 6. Nothing here writes lineage by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from typing import Any

import nbformat
from make_project import fresh_folder
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_mlversion.core.repository import Repository

AUTHOR = ("Ada Tester", "ada@example.org")
TABLES = 8
SETUP = (
    "import os\n"
    "os.makedirs('data', exist_ok=True); os.makedirs('models', exist_ok=True)\n"
    "def put(path, text):\n"
    "    with open(path, 'w') as out:\n"
    "        out.write(text)\n"
    "def get(path):\n"
    "    with open(path) as source:\n"
    "        return source.read()\n"
    "ROUND = 0"
)


def cells() -> dict[str, str]:
    out = {"setup": SETUP}
    for j in range(TABLES):
        out[f"raw-{j}"] = (
            f"put('data/raw_{j}.csv', 'id,value\\n' + "
            f"''.join(f'{{i}},{{i * {j + 1} + ROUND}}\\n' for i in range(20)))"
        )
    for j in range(TABLES):
        out[f"clean-{j}"] = (
            f"rows = get('data/raw_{j}.csv').splitlines()[1:]\n"
            f"put('data/clean_{j}.csv', 'id,value\\n' + "
            "''.join(r + '\\n' for r in rows if not r.endswith(',0')))"
        )
    reads = " + ".join(f"get('data/clean_{j}.csv').splitlines()[1:]" for j in range(TABLES))
    out["features"] = (
        f"lines = {reads}\n"
        "put('data/features.csv', 'id,value\\n' + ''.join(l + '\\n' for l in lines))"
    )
    out["train"] = (
        "total = sum(float(l.split(',')[1]) for l in get('data/features.csv').splitlines()[1:])\n"
        "put('models/model.bin', f'weights {total}')\n"
        "total"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    folder = fresh_folder(args.root, args.name)
    sources = cells()
    nb = new_notebook(cells=[new_code_cell(src, id=key) for key, src in sources.items()])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "pipeline.ipynb")
    repo = Repository.init(folder)
    os.environ["JPY_SESSION_NAME"] = str(folder / "pipeline.ipynb")
    os.chdir(folder)
    from IPython.core.interactiveshell import InteractiveShell

    ip: Any = InteractiveShell.instance()
    with contextlib.redirect_stdout(io.StringIO()):
        ip.run_line_magic("load_ext", "jupyter_mlversion")
        from jupyter_mlversion.kernel import get_session

        session = get_session()
        assert session is not None and session.journal is not None
        for round_ in range(args.rounds):
            for key, source in sources.items():
                text = source.replace("ROUND = 0", f"ROUND = {round_}")
                ip.run_cell(text, store_history=True, cell_id=key).raise_error()
            accuracy = round(0.7 + 0.02 * round_ + (0.03 if round_ % 2 else 0), 3)
            result = repo.snapshot(
                notebook="pipeline.ipynb",
                kernel=session.journal.name,
                message=f"Round {round_}: new raw data",
                metrics={"accuracy": accuracy},
                author=AUTHOR,
            )
            assert result.snapshot is not None, result
    print(folder)


if __name__ == "__main__":
    main()

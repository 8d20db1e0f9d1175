"""Build the project of onesnapshot.spec.ts: ``python make_onesnapshot.py ROOT NAME``.

Only what a user has before opening JupyterLab: ``data/sales.csv``, a notebook ``train.ipynb``
whose cells are written but never ran, and ``Repository.init`` (what ``mlversion init`` does).
No snapshot, journal or lineage: the browser test makes all of them by running the cells.
Prints the project's folder.
"""

from __future__ import annotations

import argparse

import nbformat
from make_project import fresh_folder
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jupyter_mlversion.core.repository import Repository

# Four sales whose mean (26.25) is exact in binary floating point.
SALES = "region,amount\nnorth,10\nsouth,20\neast,35\nwest,40\n"

CELLS = [
    (
        "setup",
        "%load_ext jupyter_mlversion\n"
        "import os\n"
        "import joblib\n"
        "import pandas as pd\n"
        "import pyarrow as pa\n"
        "import pyarrow.parquet as pq\n"
        "from jupyter_mlversion.kernel import log_metric",
    ),
    ("load", 'sales = pd.read_csv("data/sales.csv")\nlen(sales)'),
    (
        "features",
        'features = sales.assign(double=sales["amount"] * 2)\n'
        'pq.write_table(pa.Table.from_pandas(features), "data/features.parquet")\n'
        "features.shape",
    ),
    (
        "model",
        'os.makedirs("models", exist_ok=True)\n'
        'model = {"mean": float(sales["amount"].mean())}\n'
        'joblib.dump(model, "models/model.joblib")\n'
        'log_metric("mean", model["mean"])\n'
        'print("mean", model["mean"])',
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("name")
    args = parser.parse_args()
    folder = fresh_folder(args.root, args.name)
    (folder / "data").mkdir()
    (folder / "data" / "sales.csv").write_bytes(SALES.encode())
    intro = new_markdown_cell("# Sales model")
    intro.id = "intro"
    cells = [intro]
    for cell_id, source in CELLS:
        cell = new_code_cell(source)
        cell.id = cell_id
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "train.ipynb")
    Repository.init(folder)
    print(folder)


if __name__ == "__main__":
    main()

"""End to end: a real kernel (nbclient) runs a real ML notebook, commits twice, rolls back."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

import jupyter_mlversion
from jupyter_mlversion.core.repository import Repository

CELLS = {
    "setup": "%load_ext jupyter_mlversion\n"
    "import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq, joblib, os\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from jupyter_mlversion.kernel import log_metric, log_param\n"
    "os.makedirs('data', exist_ok=True); os.makedirs('models', exist_ok=True)\n"
    "rng = np.random.default_rng(7)\n"
    "def rows(n):\n"
    "    x = rng.normal(size=(n, 2))\n"
    "    y = (x.sum(axis=1) > 0).astype(int)\n"
    "    return pd.DataFrame({'a': x[:, 0], 'b': x[:, 1], 'y': y})\n"
    "rows(200).to_csv('data/train.csv', index=False)\n"
    "pq.write_table(pa.table({'w': np.arange(200) % 3}), 'data/weights.parquet')",
    "load": "df = pd.read_csv('data/train.csv')\n"
    "weights = pq.read_table('data/weights.parquet').to_pandas()['w'].to_numpy()",
    "train": "model = LogisticRegression(C=1.0)\n"
    "model.fit(df[['a', 'b']], df['y'], sample_weight=weights + 1)\n"
    "joblib.dump(model, 'models/clf.joblib')\n"
    "log_metric('accuracy', model.score(df[['a', 'b']], df['y'])); log_param('C', 1.0)",
    "commit1": "%mlversion commit -m 'Baseline logistic regression on 200 rows' --tag baseline",
    "append": "more = rows(50)\n"
    "more.to_csv('data/train.csv', mode='a', header=False, index=False)\n"
    "pq.write_table(pa.table({'w': np.arange(250) % 3}), 'data/weights.parquet')",
    "load2": "df = pd.read_csv('data/train.csv')\n"
    "weights = pq.read_table('data/weights.parquet').to_pandas()['w'].to_numpy()",
    "train2": "model = LogisticRegression(C=1.0)\n"
    "model.fit(df[['a', 'b']], df['y'], sample_weight=weights + 1)\n"
    "joblib.dump(model, 'models/clf.joblib')\n"
    "log_metric('accuracy', model.score(df[['a', 'b']], df['y']))",
    "commit2": "%mlversion commit -m 'Retrain on 250 rows after appending 50'",
    "inputs": "%mlversion inputs load",
    "dryrun": "%mlversion restore --cell load --to baseline --dry-run",
    "rollback": "%mlversion restore --cell load --to baseline",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_of(cell) -> str:
    out = []
    for output in cell.outputs:
        if output.output_type == "stream":
            out.append(output.text)
        elif "data" in output:
            out.append(output["data"].get("text/plain", ""))
        elif output.output_type == "error":
            out.append(f"{output.ename}: {output.evalue}")
    return "\n".join(out)


@pytest.mark.timeout(300)
def test_notebook_lineage_versions_and_rollback(tmp_path: Path, monkeypatch) -> None:
    Repository.init(tmp_path)
    nb = new_notebook(cells=[new_code_cell(src, id=key) for key, src in CELLS.items()])
    nb_path = tmp_path / "train.ipynb"
    nbformat.write(nb, nb_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb_path))
    # The kernel runs in the project folder: make this checkout importable from there.
    source_root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])
    )
    client = NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    seen: dict[str, str] = {}
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            seen[cell.id] = text_of(cell)
            if cell.id == "commit1":
                baseline = {
                    p: digest(tmp_path / p) for p in ("data/train.csv", "data/weights.parquet")
                }
            if cell.id == "dryrun":
                assert digest(tmp_path / "data/train.csv") != baseline["data/train.csv"]

    # No frontend here: the result says the saved file was used, plainly.
    assert "used the last saved file of" in seen["commit1"]
    repo = Repository.open(tmp_path)
    first, files = repo.show("baseline")
    assert {f.path for f in files} >= {
        "train.ipynb",
        "data/train.csv",
        "data/weights.parquet",
        "models/clf.joblib",
    }
    load = next(c for c in first.lineage if c.cell_id == "load")
    assert {r["path"] for r in load.reads} == {"data/train.csv", "data/weights.parquet"}
    assert all(not r["changed_since"] for r in load.reads)
    train = next(c for c in first.lineage if c.cell_id == "train")
    assert [w["path"] for w in train.writes] == ["models/clf.joblib"]
    assert "accuracy" in first.metrics and first.environment["packages"]["scikit-learn"]

    messages = [s.message for s in repo.log()]
    assert messages[-2:] == [
        "Retrain on 250 rows after appending 50",
        "Baseline logistic regression on 200 rows",
    ]
    assert [v.label for v in repo.versions("data/train.csv")][:2] == ["v0", "v1"]
    assert "v0" in seen["inputs"] and "v1" in seen["inputs"]
    assert "Would restore 2" in seen["dryrun"]
    # Rolled back byte for byte; the model, not an input of that cell, stays retrained.
    assert {p: digest(tmp_path / p) for p in baseline} == baseline
    assert "error" not in seen["rollback"].lower()

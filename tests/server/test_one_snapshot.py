"""One snapshot whatever the surface: REST, the magic and the CLI record the same state."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import jupyter_mlversion
from jupyter_mlversion.core.repository import Repository

from .conftest import Api

CELLS = {
    "setup": "%load_ext jupyter_mlversion\n"
    "import pandas as pd, pyarrow as pa, pyarrow.parquet as pq, joblib\n"
    "from jupyter_mlversion.kernel import log_metric, log_param",
    "load": "df = pd.read_csv('data/sales.csv')",
    "features": "pq.write_table(pa.Table.from_pandas(df), 'data/features.parquet')",
    "train": "model = {'mean': float(df['amount'].mean())}\n"
    "joblib.dump(model, 'models/model.joblib')\n"
    "log_metric('mean', model['mean']); log_param('kind', 'mean')",
}
SALES = "day,amount\n1,10\n2,12\n3,9\n4,15\n"


def make_copy(root: Path) -> Path:
    Repository.init(root)
    (root / "data").mkdir()
    (root / "models").mkdir()
    (root / "data" / "sales.csv").write_text(SALES)
    nb = new_notebook(cells=[new_code_cell(src, id=key) for key, src in CELLS.items()])
    nbformat.write(nb, root / "train.ipynb")
    return root


RUNNER = """
import os, sys
import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

root, then = sys.argv[1], sys.argv[2]
nb = nbformat.read(os.path.join(root, "train.ipynb"), as_version=4)
client = NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": root}})
env = {**os.environ, "JPY_SESSION_NAME": os.path.join(root, "train.ipynb")}
with client.setup_kernel(env=env):
    if then:  # run in memory only: the saved notebook stays as it was
        nb.cells.append(new_code_cell(then))
    for index, cell in enumerate(nb.cells):
        client.execute_cell(cell, index)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, errors
"""


def run_notebook(root: Path, then: str = "") -> None:
    """Run the notebook's cells in a real kernel that knows its notebook, as Jupyter does.

    The saved notebook is left as it was (outputs are not written back), so each copy
    holds the same notebook file; ``then`` runs one more cell that is not saved.
    """
    subprocess.run([sys.executable, "-c", RUNNER, str(root), then], check=True, timeout=300)


def recorded(root: Path) -> dict[str, Any]:
    repo = Repository.open(root)
    snap, files = repo.show("HEAD")
    return {
        "files": {f.path: f.id for f in files},
        "lineage": sorted(
            (
                c.cell_id,
                c.notebook,
                tuple(sorted((r["path"], r["id"]) for r in c.reads)),
                tuple(sorted((w["path"], w["id"]) for w in c.writes)),
            )
            for c in snap.lineage
        ),
        "metrics": snap.metrics,
        "params": snap.params,
        "environment": snap.environment,
    }


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Kernels run in the project folders: make this checkout importable from there.
    source_root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])
    )
    monkeypatch.setenv("MLVERSION_SAVE_TIMEOUT", "0.2")


@pytest.mark.timeout(600)
async def test_panel_magic_and_cli_record_the_same_snapshot(
    api: Api, jp_root_dir: Path, kernel_env: None
) -> None:
    rest, magic, cli = (make_copy(jp_root_dir / name) for name in ("rest", "magic", "cli"))
    await asyncio.to_thread(run_notebook, rest)
    await asyncio.to_thread(run_notebook, magic, "%mlversion commit -m 'same state'")
    await asyncio.to_thread(run_notebook, cli)

    status, body = await api("GET", "status", params={"path": "rest/train.ipynb"})
    assert status == 200 and body["clean"] is False
    assert {c["path"] for c in body["changes"]} == {
        "train.ipynb",
        "data/sales.csv",
        "data/features.parquet",
        "models/model.joblib",
    }
    assert {c["cell_id"] for c in body["cells"]} == {"load", "features", "train"}
    status, job = await api(
        "POST",
        "snapshots",
        params={"path": "rest/train.ipynb", "wait": "20"},
        body={"message": "same state"},
    )
    assert status == 200 and job["status"] == "done", job
    mlversion = shutil.which("mlversion") or f"{sys.executable} -m jupyter_mlversion.cli.main"
    out = subprocess.run(
        [*mlversion.split(), "snapshot", "--notebook", "train.ipynb", "-m", "same state", "--json"],
        cwd=cli,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["created"] is True

    first = recorded(rest)
    assert set(first["files"]) == {
        "train.ipynb",
        "data/sales.csv",
        "data/features.parquet",
        "models/model.joblib",
    }
    assert first["metrics"] == {"mean": 11.5} and first["params"] == {"kind": "mean"}
    cells = {c[0]: c for c in first["lineage"]}
    assert cells["load"][2] == (("data/sales.csv", first["files"]["data/sales.csv"]),)
    assert cells["features"][3][0][0] == "data/features.parquet"
    assert cells["train"][3][0][0] == "models/model.joblib"
    assert first["environment"]["packages"]["pandas"]
    assert recorded(magic) == first
    assert recorded(cli) == first

    # Afterwards every surface agrees that nothing is left to record.
    status, body = await api("GET", "status", params={"path": "rest/train.ipynb"})
    assert body["clean"] is True, body

"""The quick start's demo project: generated locally, its notebook runs and snapshots itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import jupyter_mlversion
from jupyter_mlversion.core.repository import Repository

ROOT = Path(__file__).parents[2]


@pytest.mark.timeout(300)
def test_demo_notebook_trains_and_snapshots_itself(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "demo-project"
    subprocess.run(
        [sys.executable, str(ROOT / "demo" / "make_demo.py"), str(target), "--rows", "800"],
        check=True,
        timeout=120,
    )
    repo = Repository.init(target)
    repo.snapshot(["data", "train.ipynb"], message="Churn data")
    nb_path = target / "train.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb_path))
    source_root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])
    )
    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(target)}}
    ).execute()

    log = repo.log()
    assert len(log) == 2
    snap, files = repo.show("HEAD")
    assert snap.message.startswith("Random forest (depth 8) on 800 customers")
    assert set(snap.metrics) == {"accuracy", "roc_auc"} and 0.5 < snap.metrics["roc_auc"] <= 1
    assert snap.params["max_depth"] == 8
    kinds = {f.path: f.kind for f in files}
    assert kinds["models/churn.joblib"] == "model"
    reads = {r["path"] for cell in snap.lineage for r in cell.reads}
    assert {"data/customers.csv", "data/usage.parquet"} <= reads
    writes = {w["path"] for cell in snap.lineage for w in cell.writes}
    assert "models/churn.joblib" in writes

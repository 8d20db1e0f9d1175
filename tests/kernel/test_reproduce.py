"""Reproduce: a real kernel rolls a cell's input back, re-runs it and compares with REF."""

from __future__ import annotations

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
    "import os\nfrom jupyter_mlversion.kernel import log_metric\n"
    "os.makedirs('data', exist_ok=True); os.makedirs('models', exist_ok=True)\n"
    "def put(path, text):\n"
    "    with open(path, 'w') as out:\n"
    "        out.write(text)\n"
    "put('data/raw.csv', 'x\\n1\\n2\\n3\\n')",
    "train": "with open('data/raw.csv') as f:\n"
    "    values = [int(v) for v in f.read().split()[1:]]\n"
    "mean = sum(values) / len(values)\n"
    "put('models/mean.txt', str(mean))\n"
    "log_metric('mean', mean)\n"
    "print('mean', mean)",
    "commit": "%mlversion commit -m 'mean of the raw data' --tag base",
    "change": "put('data/raw.csv', 'x\\n10\\n20\\n')",
    "commit2": "%mlversion commit -m 'more data'",
    "rollback": "%mlversion restore --cell train --to base",
    "reproduce": "%mlversion reproduce train --at base",
}


@pytest.mark.timeout(300)
def test_reproduce_reports_reproduced_then_what_differs(tmp_path: Path, monkeypatch) -> None:
    Repository.init(tmp_path)
    nb = new_notebook(cells=[new_code_cell(src, id=key) for key, src in CELLS.items()])
    nb_path = tmp_path / "mean.ipynb"
    nbformat.write(nb, nb_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb_path))
    source_root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])
    )
    client = NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    cells = {cell.id: (index, cell) for index, cell in enumerate(nb.cells)}

    def run(key: str) -> str:
        index, cell = cells[key]
        client.execute_cell(cell, index)
        # What JupyterLab's save does (no frontend here): the notebook with its outputs.
        nbformat.write(nb, nb_path)
        return "".join(
            o.get("text", "") for o in cell.outputs if o.output_type == "stream"
        ) + "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs if "data" in o)

    with client.setup_kernel():
        for key in ("setup", "train", "commit", "change", "train", "commit2", "rollback", "train"):
            run(key)
        same = run("reproduce")
        repo = Repository.open(tmp_path)
        report = repo.reproduce("train", at="base", notebook="mean.ipynb")
        assert report.reproduced, report.to_dict()
        assert "reproduced: cell train" in same
        assert [f["status"] for f in report.files] == ["same"]
        assert [(m["name"], m["same"]) for m in report.metrics] == [("mean", True)]

        # Not rolled back this time: other data, other output, file and metric.
        run("change")
        run("train")
        differs = run("reproduce")
        report = repo.reproduce("train", at="base", notebook="mean.ipynb")
        assert not report.reproduced
        assert "differs: cell train" in differs and "file models/mean.txt: differs" in differs
        assert report.outputs["same"] is False and report.outputs["detail"]["diff"]
        changed = report.files[0]
        assert changed["status"] == "differs" and changed["diff"]["new"] == "working"
        assert changed["diff"]["old_entry"]["id"] == changed["recorded"]
        metric = report.metrics[0]
        assert (metric["recorded"], metric["now"], metric["same"]) == (2.0, 15.0, False)

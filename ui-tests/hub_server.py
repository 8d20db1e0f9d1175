"""The JupyterHub the hub browser tests run against (started by playwright.hub.config.js).

The hub of ``tests/hub`` (alice, bob, carol; carol may read alice's server) on the port in
``MLVERSION_HUB_UI_PORT``; alice's home holds ``proj/`` (a notebook and a CSV, no snapshot).
The single-user servers load this checkout's labextension build (through ``JUPYTER_PATH``).
Runs until stopped.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from jupyter_mlversion.core.repository import Repository  # noqa: E402
from tests.hub.hub import Hub  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mlversion-hub-ui-"))
    build = REPO / "jupyter_mlversion" / "labextension"
    if (build / "package.json").exists():
        labext = work / "jupyter-path" / "labextensions"
        labext.mkdir(parents=True)
        (labext / "jupyter-mlversion").symlink_to(build)
        os.environ["JUPYTER_PATH"] = str(work / "jupyter-path")
    root = work / "hub" / "home" / "alice" / "proj"
    root.mkdir(parents=True)
    Repository.init(root).close()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_code_cell("import pandas as pd", id="cell-0"))
    nbformat.write(nb, root / "analysis.ipynb")
    (root / "sales.csv").write_text("region,amount\nwest,40\neast,12\n")
    hub = Hub(work / "hub", port=int(os.environ["MLVERSION_HUB_UI_PORT"]))
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"hub at {hub.url}", flush=True)
    try:
        while not stopping and hub.proc.poll() is None:
            time.sleep(0.5)
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

"""The JupyterHub the hub browser tests run against (started by playwright.hub.config.js).

The hub of ``tests/hub`` (alice, bob, carol; carol may read alice's server) on the port in
``MLVERSION_HUB_UI_PORT``; alice's home holds ``try-1/`` (a notebook and a CSV, no snapshot)
and an identical ``try-2/`` for the test's one retry, each with a remote ``origin`` in the
team's bucket on a SeaweedFS started here, its S3 API on the port in ``MLVERSION_HUB_S3_PORT``
(the servers get its endpoint and test credentials in their environment, as a deployment
passes them from its secrets). The single-user servers load this checkout's labextension build
(through ``JUPYTER_PATH``). Runs until stopped; ``hub_server.py remote-log PROJECT`` prints
the history a clone of PROJECT's remote gets.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from jupyter_mlversion.core.repository import Repository  # noqa: E402
from tests.hub.conftest import TEAM_BUCKET  # noqa: E402
from tests.hub.hub import Hub  # noqa: E402
from tests.remote import seaweed  # noqa: E402

#: No shared credentials file: only the test server's credentials, from the environment.
NO_FILE = "/dev/null"

#: Alice's projects: the test's first try uses the first, its retry the second.
PROJECTS = ("try-1", "try-2")


def team_url(project: str) -> str:
    """Where alice's ``project`` pushes (the e2e test clones it from there to check)."""
    return f"s3://{TEAM_BUCKET}/team-{project}"


def make_project(root: Path) -> None:
    """A notebook and a CSV, no snapshot, and the team remote as ``origin``."""
    root.mkdir(parents=True)
    repo = Repository.init(root)
    repo.remote_add("origin", team_url(root.name))
    repo.close()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_code_cell("import pandas as pd", id="cell-0"))
    nbformat.write(nb, root / "analysis.ipynb")
    (root / "sales.csv").write_text("region,amount\nwest,40\neast,12\n")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mlversion-hub-ui-"))
    build = REPO / "jupyter_mlversion" / "labextension"
    if (build / "package.json").exists():
        labext = work / "jupyter-path" / "labextensions"
        labext.mkdir(parents=True)
        (labext / "jupyter-mlversion").symlink_to(build)
        os.environ["JUPYTER_PATH"] = str(work / "jupyter-path")
    s3 = seaweed.start(work / "seaweedfs", s3_port=int(os.environ["MLVERSION_HUB_S3_PORT"]))
    s3.client().create_bucket(Bucket=TEAM_BUCKET)
    for project in PROJECTS:
        make_project(work / "hub" / "home" / "alice" / project)
    server_env = s3.env(AWS_SHARED_CREDENTIALS_FILE=NO_FILE)
    try:
        port = int(os.environ["MLVERSION_HUB_UI_PORT"])
        hub = Hub(work / "hub", port=port, server_env=server_env)
    except BaseException:
        s3.stop()
        raise
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
        s3.stop()


def remote_log(project: str) -> None:
    """Print the history of ``project``'s team remote as JSON: what a teammate who clones it
    now would see (cloned with the CLI into a temporary folder, with the servers' credentials)."""
    endpoint = f"http://127.0.0.1:{os.environ['MLVERSION_HUB_S3_PORT']}"
    env = {**os.environ, **seaweed.client_env(endpoint, AWS_SHARED_CREDENTIALS_FILE=NO_FILE)}
    cli = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
    with tempfile.TemporaryDirectory(prefix="mlversion-hub-clone-") as tmp:
        subprocess.run([*cli, "clone", team_url(project), "copy"], cwd=tmp, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        log = subprocess.run([*cli, "log", "--json"], cwd=Path(tmp) / "copy", env=env,
                             check=True, capture_output=True, text=True)  # fmt: skip
        print(log.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] == ["remote-log"] and sys.argv[2:3]:
        remote_log(sys.argv[2])
    else:
        main()

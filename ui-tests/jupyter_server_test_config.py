"""Configure the JupyterLab server that Playwright starts for the Galata tests.

Token-less on 127.0.0.1 at the port chosen by playwright.config.js, serving a fresh copy of the
demo project in a temporary folder so tests never touch the working tree.
"""

import os
import sys
from pathlib import Path
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821  (provided by Jupyter when it reads this file)

# Galata's helper switches off authentication and adds its test helpers: test use only.
configure_jupyter_server(c)

_repo = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_repo / "demo"))
from make_demo import make_demo  # noqa: E402

_root = make_demo(Path(mkdtemp(prefix="mlversion-ui-")) / "demo-project")

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("MLVERSION_UI_PORT", "8888"))
c.ServerApp.root_dir = str(_root)
c.ServerApp.jpserver_extensions = {"jupyter_mlversion": True}
# CI runs as root in a throw-away machine.
c.ServerApp.allow_root = True
# No calls to outside services from the test server (package index, update and news checks).
c.LabApp.extension_manager = "readonly"
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.news_url = None

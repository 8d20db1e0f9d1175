"""A real ``jupyter server`` in a subprocess, for clients that block (schemathesis, benchmarks)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OTHERS = dict.fromkeys(
    ("jupyter_server_terminals", "jupyterlab", "jupyter_lsp", "nbdime", "notebook_shim"), False
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """Start ``jupyter server`` on ``root`` with the extension enabled and a known token."""

    def __init__(self, root: Path, workdir: Path, extra: dict | None = None) -> None:
        self.root, self.port, self.token = root, free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.base}/mlversion/api"
        config_dir = workdir / "jupyter-config"
        config_dir.mkdir(parents=True, exist_ok=True)
        config = {
            "ServerApp": {
                # Only ours: other extensions slow the start and some warn about their auth.
                "jpserver_extensions": {**OTHERS, "jupyter_mlversion": True},
                "allow_root": True,
                "allow_unauthenticated_access": False,
                "open_browser": False,
                "port": self.port,
                "port_retries": 0,
                "ip": "127.0.0.1",
                "root_dir": str(root),
            },
            "IdentityProvider": {"token": self.token},
            "MlversionServer": {"max_wait_seconds": 5.0},
        }
        config.update(extra or {})
        config_file = config_dir / "mlversion_test_config.json"
        config_file.write_text(json.dumps(config))
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(config_dir),
            "JUPYTER_CONFIG_PATH": str(config_dir),
            "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
            "JUPYTER_DATA_DIR": str(workdir / "data"),
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        }
        self.log = (workdir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={config_file}"],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self._wait_ready()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"{self.api}/ping", headers=self.headers)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError(f"jupyter server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter server did not answer in {timeout}s; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

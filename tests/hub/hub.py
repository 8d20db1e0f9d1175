"""A real JupyterHub (with configurable-http-proxy) on loopback, for the hub tests."""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROXY_BIN = HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "mlversion-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proxy_command() -> str | None:
    """The proxy installed by ``scripts/setup.sh`` (``tests/hub/proxy``), else one on PATH."""
    if PROXY_BIN.exists():
        return str(PROXY_BIN)
    return shutil.which("configurable-http-proxy")


class Response:
    def __init__(self, status: int, body: bytes, headers: Any) -> None:
        self.status, self.body, self.headers = status, body, headers

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer the tests look at, not one to follow


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(
    method: str, url: str, token: str | None = None, body: Any = None, timeout: float = 30
) -> Response:
    """One HTTP request; errors and redirects are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"token {token}"
    if method in ("POST", "PUT") and data is None:
        data = b""
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(req, timeout=timeout) as answer:
            return Response(answer.status, answer.read(), answer.headers)
    except urllib.error.HTTPError as err:
        return Response(err.code, err.read(), err.headers)


class Hub:
    """``jupyterhub`` started on free loopback ports with ``jupyterhub_config.py``."""

    def __init__(
        self, work: Path, server_env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        """``server_env``: extra environment of every single-user server (as a deployment
        passes a team remote's credentials from its secrets)."""
        self.work = work
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(16)
        chp = proxy_command()
        if chp is None:
            raise RuntimeError("configurable-http-proxy is missing: run scripts/setup.sh")
        (work / "home").mkdir(parents=True, exist_ok=True)
        (work / "jupyter-config").mkdir(exist_ok=True)
        (work / "singleuser_config.json").write_text(json.dumps(self.singleuser_config()))
        env = {
            **os.environ,
            "MLV_HUB_WORK": str(work),
            "MLV_HUB_PORT": str(self.port),
            "MLV_HUB_API_PORT": str(free_port()),
            "MLV_HUB_PROXY_API_PORT": str(free_port()),
            "MLV_HUB_CHP": chp,
            "MLV_HUB_PYTHON": sys.executable,
            "MLV_HUB_PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
            "MLV_HUB_ADMIN_TOKEN": self.admin_token,
            "MLV_HUB_PASSWORD": PASSWORD,
            "MLV_HUB_SERVER_ENV": json.dumps(server_env or {}),
        }
        self.log = (work / "hub.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "jupyterhub_config.py")],
            cwd=work,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,  # the proxy and the servers are stopped with the hub
        )
        self._tokens: dict[str, str] = {}
        try:
            self._wait(lambda: self.api("GET", "").status == 200, 60, "the hub to answer")
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def singleuser_config() -> dict[str, Any]:
        others = ("jupyter_server_terminals", "jupyter_lsp", "nbdime", "notebook_shim")
        return {
            "ServerApp": {
                "jpserver_extensions": {**dict.fromkeys(others, False), "jupyter_mlversion": True},
                "authorizer_class": "jupyter_mlversion.server.auth.HubScopeAuthorizer",
            },
            "MlversionServer": {"max_wait_seconds": 20.0},
        }

    # -- the hub's REST API ------------------------------------------------
    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Response:
        return request(method, f"{self.url}/hub/api/{path}", token or self.admin_token, body)

    def token(self, user: str) -> str:
        """An API token of ``user`` with all of that user's permissions (made once)."""
        if user not in self._tokens:
            answer = self.api("POST", f"users/{user}/tokens", {"note": "hub tests"})
            assert answer.status == 201, answer.body
            self._tokens[user] = answer.json()["token"]
        return self._tokens[user]

    def login(self, user: str) -> urllib.request.OpenerDirector:
        """Sign ``user`` in through the hub's login form (the hub stores their name and email);
        an opener holding the session cookies."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.url}/hub/login", timeout=30) as page:
            page.read()
        xsrf = next(c.value for c in jar if c.name == "_xsrf")
        form = urllib.parse.urlencode({"username": user, "password": PASSWORD, "_xsrf": xsrf})
        with opener.open(f"{self.url}/hub/login?next=/hub/home", form.encode(), timeout=60) as r:
            r.read()
            assert "/hub/login" not in r.url, f"{user} could not sign in"
        return opener

    def start_server(self, user: str, timeout: float = 60) -> str:
        """Start (or find running) ``user``'s server; its URL through the proxy."""
        answer = self.api("POST", f"users/{user}/server")
        assert answer.status in (201, 202, 400), answer.body  # 400: already running

        def ready() -> bool:
            model = self.api("GET", f"users/{user}").json()
            server = (model.get("servers") or {}).get("", {})
            return bool(server.get("ready"))

        self._wait(ready, timeout, f"{user}'s server to start")
        return f"{self.url}/user/{user}/"

    def home(self, user: str) -> Path:
        return self.work / "home" / user

    def _wait(self, check: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited; see {self.log.name}")
            try:
                if check():
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, AttributeError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"timed out after {timeout}s waiting for {what}; see {self.log.name}")

    def stop(self) -> None:
        """Stop the hub (it stops the servers and the proxy), then whatever is left of them."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()

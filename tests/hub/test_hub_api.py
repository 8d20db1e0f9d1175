"""Through a real JupyterHub's proxy (``/user/NAME/``): identity, read-only access, isolation."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from jupyter_mlversion.core.repository import Repository

from .hub import Hub, request

NOTEBOOK = "proj/analysis.ipynb"


def make_project(home: Path) -> Path:
    """``proj/`` in a home: a notebook and a model file, one snapshot by nobody in particular."""
    root = home / "proj"
    if (root / ".mlversion").exists():
        return root
    root.mkdir(parents=True)
    repo = Repository.init(root)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1", id="cell-0"))
    nbformat.write(nb, root / "analysis.ipynb")
    (root / "model.bin").write_bytes(b"weights-1")
    repo.snapshot(["analysis.ipynb", "model.bin"], message="start", author=("setup", "s@x"))
    repo.close()
    return root


@pytest.fixture(scope="module")
def projects(hub: Hub, servers: dict[str, str]) -> dict[str, Path]:
    return {user: make_project(hub.home(user)) for user in ("alice", "bob")}


def api(hub: Hub, server: str, method: str, route: str, token: str, body: Any = None, **q: Any):
    query = "&".join(f"{k}={v}" for k, v in {"path": NOTEBOOK, **q}.items())
    return request(method, f"{hub.url}/user/{server}/mlversion/api/{route}?{query}", token, body)


def snapshot(hub: Hub, server: str, user: str, content: bytes, message: str):
    (hub.home(server) / "proj" / "model.bin").write_bytes(content)
    body = {"message": message, "paths": ["model.bin"]}
    return api(hub, server, "POST", "snapshots", hub.token(user), body, wait=20)


def test_alice_snapshots_as_herself_through_the_proxy(hub: Hub, projects: dict) -> None:
    answer = snapshot(hub, "alice", "alice", b"weights-alice", "alice trains")
    assert answer.status == 200, answer.body
    snap = answer.json()["result"]["snapshot"]
    assert (snap["author"], snap["email"]) == ("Alice Liddell", "alice@example.org")
    log = api(hub, "alice", "GET", "snapshots", hub.token("alice")).json()
    assert log["items"][0]["message"] == "alice trains"
    project = api(hub, "alice", "GET", "project", hub.token("alice")).json()
    assert project["can_write"] is True and project["read_only_reason"] is None


def test_carol_reads_alices_history_and_diffs_but_cannot_change_it(
    hub: Hub, projects: dict
) -> None:
    carol = hub.token("carol")
    history = api(hub, "alice", "GET", "snapshots", carol)
    assert history.status == 200, history.body
    assert history.json()["total"] >= 2
    diff = api(hub, "alice", "GET", "diff", carol, old="HEAD~1", new="HEAD")
    assert diff.status == 200, diff.body
    assert "model.bin" in diff.body.decode()
    before = history.json()["total"]
    refused = snapshot(hub, "alice", "carol", b"weights-carol", "carol tries")
    assert refused.status == 403, refused.body
    tag = api(hub, "alice", "POST", "tags", carol, {"name": "carols", "ref": "HEAD"})
    assert tag.status == 403, tag.body
    after = api(hub, "alice", "GET", "snapshots", carol).json()
    assert after["total"] == before and all(s["message"] != "carol tries" for s in after["items"])
    project = api(hub, "alice", "GET", "project", carol).json()
    assert project["can_write"] is False
    assert project["read_only_reason"].startswith("read-only for you")


def test_bobs_token_gets_nothing_from_alices_server(hub: Hub, projects: dict) -> None:
    bob = hub.token("bob")
    for method, route in (("GET", "snapshots"), ("GET", "project"), ("POST", "snapshots")):
        answer = api(
            hub, "alice", method, route, bob, {"message": "bob"} if method == "POST" else None
        )
        assert answer.status in (302, 403), (route, answer.status)
        assert b"snapshots" not in answer.body and b"alice" not in answer.body.lower()
    files = request("GET", f"{hub.url}/user/alice/api/contents/proj", bob)
    assert files.status in (302, 403)


def test_in_a_server_shared_with_her_alice_is_the_author(hub: Hub, projects: dict) -> None:
    answer = snapshot(hub, "bob", "alice", b"weights-alice-in-bobs", "alice helps bob")
    assert answer.status == 200, answer.body
    snap = answer.json()["result"]["snapshot"]
    assert (snap["author"], snap["email"]) == ("Alice Liddell", "alice@example.org")
    # bob, in his own server, is himself
    mine = snapshot(hub, "bob", "bob", b"weights-bob", "bob himself")
    assert mine.json()["result"]["snapshot"]["author"] == "Bob Dylan"


def run_in_kernel(hub: Hub, server: str, token: str, code: str, timeout: float = 60) -> str:
    """Start a kernel in ``server`` through the proxy, run ``code``, return its stdout."""
    base = f"{hub.url}/user/{server}"
    kernel = request("POST", f"{base}/api/kernels", token, {"name": "python3"}).json()

    async def execute() -> str:
        ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel['id']}/channels"
        ws = await websocket_connect(
            HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}, connect_timeout=30)
        )
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": msg_id,
            "username": "",
            "version": "5.3",
        }
        content = {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        ws.write_message(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                }
            )
        )
        out: list[str] = []
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind in ("display_data", "execute_result"):
                out.append(msg["content"]["data"].get("text/plain", ""))
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                ws.close()
                # Wait for the server's close frame, so no socket is left open.
                while await asyncio.wait_for(ws.read_message(), 10) is not None:
                    pass
                return "".join(out)

    try:
        return asyncio.run(execute())
    finally:
        request("DELETE", f"{base}/api/kernels/{kernel['id']}", token)


def test_a_kernel_of_alices_server_snapshots_as_alice(hub: Hub, projects: dict) -> None:
    (projects["alice"] / "model.bin").write_bytes(b"weights-from-kernel")
    code = (
        "import os\nos.chdir('proj')\n"
        "%load_ext jupyter_mlversion\n"
        "%mlversion snapshot model.bin -m 'from the kernel'\n"
    )
    run_in_kernel(hub, "alice", hub.token("alice"), code)
    with Repository.open(projects["alice"]) as repo:
        head = repo.snapshot_model(repo.resolve("HEAD"))
    assert head.message == "from the kernel"
    assert (head.author, head.email) == ("Alice Liddell", "alice@example.org")

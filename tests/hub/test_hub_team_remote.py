"""Each user has their own copy and the team shares an S3 remote (SeaweedFS), through the hub."""

from __future__ import annotations

from typing import Any

import nbformat

from jupyter_mlversion.core.repository import Repository

from .conftest import TEAM_BUCKET
from .hub import Hub, request
from .test_hub_api import run_in_kernel

URL = f"s3://{TEAM_BUCKET}/team-project"
ALICES_MODEL = bytes(range(256)) * 4096  # 1 MiB, several chunks


def call(hub: Hub, user: str, method: str, route: str, path: str, body: Any = None, **q: Any):
    query = "&".join(f"{k}={v}" for k, v in {"path": path, "wait": 30, **q}.items())
    url = f"{hub.url}/user/{user}/mlversion/api/{route}?{query}"
    return request(method, url, hub.token(user), body, timeout=60)


def test_alice_pushes_bob_clones_sees_her_diffs_and_restores_her_model(
    hub: Hub, servers: dict[str, str]
) -> None:
    # alice's own copy, in her home: a notebook and a model, snapshotted through her server.
    root = hub.home("alice") / "team"
    root.mkdir()
    Repository.init(root).close()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("train()", id="cell-0"))
    nbformat.write(nb, root / "train.ipynb")
    (root / "model.bin").write_bytes(b"first model")
    for message, paths in (("first", ["train.ipynb", "model.bin"]), ("alice's model", None)):
        if paths is None:
            (root / "model.bin").write_bytes(ALICES_MODEL)
        body = {"message": message, "paths": paths or ["model.bin"]}
        done = call(hub, "alice", "POST", "snapshots", "team/train.ipynb", body)
        assert done.status == 200, done.body
    added = call(hub, "alice", "POST", "remotes", "team", {"name": "origin", "url": URL})
    assert added.status == 201, added.body
    pushed = call(hub, "alice", "POST", "push", "team", {"remote": "origin"})
    assert pushed.status == 200, pushed.body

    # bob clones in his own server (its kernel has the team's S3 credentials).
    out = run_in_kernel(
        hub, "bob", hub.token("bob"), f"%load_ext jupyter_mlversion\n%mlversion clone {URL} team\n"
    )
    assert (hub.home("bob") / "team" / ".mlversion").is_dir(), out
    log = call(hub, "bob", "GET", "snapshots", "team").json()
    assert [s["message"] for s in log["items"]] == ["alice's model", "first"]
    assert {(s["author"], s["email"]) for s in log["items"]} == {
        ("Alice Liddell", "alice@example.org")
    }
    diff = call(hub, "bob", "GET", "diff", "team", old="HEAD~1", new="HEAD")
    assert diff.status == 200 and [f["path"] for f in diff.json()["files"]] == ["model.bin"]

    # alice snapshots again and pushes; bob pulls and has it, by alice.
    bobs = hub.home("bob") / "team" / "model.bin"
    (root / "model.bin").write_bytes(ALICES_MODEL + b"more")
    body = {"message": "alice again", "paths": ["model.bin"]}
    assert call(hub, "alice", "POST", "snapshots", "team/train.ipynb", body).status == 200
    assert call(hub, "alice", "POST", "push", "team", {}).status == 200
    pulled = call(hub, "bob", "POST", "pull", "team", {})
    assert pulled.status == 200, pulled.body
    head = call(hub, "bob", "GET", "snapshots", "team").json()["items"][0]
    assert (head["message"], head["author"]) == ("alice again", "Alice Liddell")
    assert bobs.read_bytes() == ALICES_MODEL + b"more"

    # bob's copy of the model changes; restoring alice's version brings her bytes back exactly
    # (bob's unsaved bytes are kept in a safety snapshot first).
    bobs.write_bytes(b"bob broke it")
    restored = call(
        hub, "bob", "POST", "restore/paths", "team", {"paths": ["model.bin"], "to": "HEAD~1"}
    )
    assert restored.status == 200, restored.body
    assert bobs.read_bytes() == ALICES_MODEL

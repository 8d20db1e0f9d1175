"""Branches and merge over REST, against a real server and a real project."""

from __future__ import annotations

import json

import nbformat

from jupyter_mlversion.core.repository import Repository

from .conftest import NOTEBOOK, Api

P = {"path": NOTEBOOK}
WAIT = {**P, "wait": 30}


def _edit_cell(project: Repository, index: int, source: str) -> None:
    path = project.root / NOTEBOOK.removeprefix("proj/")
    nb = nbformat.read(path, as_version=4)
    nb.cells[index].source = source
    nbformat.write(nb, path)


async def test_branches_switch_and_snapshot_lanes(api: Api, project: Repository) -> None:
    status, body = await api("POST", "branches", params=P, body={"name": "feature"})
    assert status == 201 and body["name"] == "feature" and body["current"] is False
    status, body = await api("GET", "branches", params=P)
    assert status == 200 and body["current"] == "main"
    assert {b["name"]: (b["ahead"], b["behind"]) for b in body["branches"]} == {
        "feature": (0, 0),
        "main": (0, 0),
    }
    status, job = await api("POST", "switch", params=WAIT, body={"branch": "feature"})
    assert status == 200 and job["result"]["branch"] == "feature", job
    (project.root / "data" / "train.csv").write_text("a,b\n1,2\n3,5\n5,6\n7,8\n")
    project.snapshot(message="on feature")
    _, page = await api("GET", "snapshots", params={**P, "branch": "*"})
    assert page["items"][0]["message"] == "on feature"
    assert page["items"][0]["branches"] == ["feature"] and page["current_branch"] == "feature"
    _, page = await api("GET", "snapshots", params={**P, "branch": "main"})
    assert [s["message"] for s in page["items"]] == ["second", "first"]
    assert page["items"][0]["branches"] == ["main"]
    # main lacks the feature's snapshot: deleting it without force names what would be lost
    await api("POST", "switch", params=WAIT, body={"branch": "main"})
    assert (project.root / "data" / "train.csv").read_text() == "a,b\n1,2\n3,5\n5,6\n"
    status, body = await api("DELETE", "branches", "feature", params=P)
    assert status == 409 and project.resolve("feature")[:10] in body["message"]
    status, body = await api("DELETE", "branches", "feature", params={**P, "force": "true"})
    assert status == 200 and body["unreachable"] == [body["head"]]
    _, listed = await api("GET", "branches", params=P)
    assert [b["name"] for b in listed["branches"]] == ["main"]


async def test_merge_preview_conflict_resolve_continue(api: Api, project: Repository) -> None:
    project.switch("feature", create=True)
    _edit_cell(project, 1, "x = 'feature'")
    project.snapshot(message="feature cell")
    project.switch("main")
    _edit_cell(project, 1, "x = 'main'")
    project.snapshot(message="main cell")

    status, preview = await api("POST", "merge", "preview", params=P, body={"branch": "feature"})
    assert status == 200 and preview["fast_forward"] is False
    files = {f["path"]: f for f in preview["files"]}
    assert files["notebooks/analysis.ipynb"]["outcome"] == "conflict"
    assert files["notebooks/analysis.ipynb"]["cells"][0]["id"] == "cell-1"
    head = project.head()
    assert project.head() == head  # the preview wrote nothing

    status, job = await api("POST", "merge", params=WAIT, body={"branch": "feature"})
    assert status == 200 and job["result"]["state"] == "conflicts", job
    status, state = await api("GET", "merge", params=P)
    assert state["in_progress"] is True and state["branch"] == "feature"
    assert [c["path"] for c in state["conflicts"]] == ["notebooks/analysis.ipynb"]

    status, decisions = await api(
        "GET", "merge", "notebook", params={**P, "file": "notebooks/analysis.ipynb"}
    )
    assert status == 200 and decisions["base"]["cells"][1]["source"] == "x = 2"
    assert any(d.get("conflict") for d in decisions["merge_decisions"])

    status, body = await api("POST", "merge", "continue", params=P, body={})
    assert status == 409 and "unresolved" in body["message"]
    resolved = nbformat.read(project.root / "notebooks" / "analysis.ipynb", as_version=4)
    resolved.cells[1].source = "x = 'both'"
    body = {"path": "notebooks/analysis.ipynb", "side": None, "content": json.loads(
        nbformat.writes(resolved))}  # fmt: skip
    status, state = await api("POST", "merge", "resolve", params=P, body=body)
    assert status == 200 and state["resolved"] == ["notebooks/analysis.ipynb"]
    status, result = await api("POST", "merge", "continue", params=P, body={"message": "both"})
    assert status == 200 and result["state"] == "merged"
    merged = project.show(result["snapshot"])[0]
    assert len(merged.parents) == 2 and merged.message == "both"
    nb = nbformat.read(project.root / "notebooks" / "analysis.ipynb", as_version=4)
    assert nb.cells[1].source == "x = 'both'"
    _, state = await api("GET", "merge", params=P)
    assert state["in_progress"] is False


async def test_merge_abort_over_rest(api: Api, project: Repository) -> None:
    project.switch("feature", create=True)
    (project.root / "data" / "train.csv").write_text("z\n1\n")
    project.snapshot(message="feature table")
    project.switch("main")
    (project.root / "data" / "train.csv").write_text("y\n2\n")
    project.snapshot(message="main table")
    status, job = await api("POST", "merge", params=WAIT, body={"branch": "feature"})
    assert job["result"]["state"] == "conflicts"
    status, body = await api("POST", "merge", "abort", params=P)
    assert status == 200 and body["aborted"] is True
    assert (project.root / "data" / "train.csv").read_text() == "y\n2\n"
    status, body = await api("POST", "merge", "abort", params=P)
    assert status == 409

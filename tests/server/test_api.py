"""The REST API end to end against a real server and a real project."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlversion.core.repository import Repository

from .conftest import NOTEBOOK, Api, make_notebook

P = {"path": NOTEBOOK}


async def test_ping_and_openapi(api: Api, jp_base_url: str) -> None:
    status, body = await api("GET", "ping")
    assert status == 200 and body["version"]
    status, doc = await api("GET", "openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    assert doc["servers"][0]["url"] == f"{jp_base_url}mlversion/api"


async def test_project_and_status(api: Api, project: Repository) -> None:
    status, body = await api("GET", "project", params=P)
    assert status == 200
    assert body["root"] == "proj"
    assert body["notebook"] == "notebooks/analysis.ipynb"
    assert body["snapshots"] == 2 and body["tags"].keys() == {"first"}
    assert body["head"] == project.resolve("HEAD")

    status, body = await api("GET", "status", params=P)
    assert status == 200 and body["clean"] is True
    (project.root / "data" / "train.csv").write_text("a,b\n9,9\n")
    status, body = await api("GET", "status", params=P)
    assert body["clean"] is False
    assert [c["path"] for c in body["changes"]] == ["data/train.csv"]


async def test_unknown_project_says_to_run_init(api: Api, jp_root_dir: Path) -> None:
    (jp_root_dir / "loose").mkdir()
    status, body = await api("GET", "project", params={"path": "loose"})
    assert status == 404
    assert body["error"] == "NotAProjectError" and "mlversion init" in body["message"]
    status, body = await api("GET", "project", params={})
    assert status == 400 and "path" in body["message"]


async def test_list_snapshots_pages_and_filters(api: Api, project: Repository) -> None:
    status, page = await api("GET", "snapshots", params=P)
    assert status == 200
    assert [s["message"] for s in page["items"]] == ["second", "first"]
    assert page["total"] == 2 and "lineage" not in page["items"][0]

    _, page = await api("GET", "snapshots", params={**P, "limit": 1, "offset": 1})
    assert [s["message"] for s in page["items"]] == ["first"] and page["total"] == 2

    (project.root / "other.txt").write_text("o")
    project.snapshot(["other.txt"], message="third")
    _, page = await api("GET", "snapshots", params={**P, "file": "other.txt"})
    assert [s["message"] for s in page["items"]] == ["third"] and page["total"] == 1

    status, body = await api("GET", "snapshots", params={**P, "limit": 0})
    assert status == 400 and "limit" in body["message"]
    status, body = await api("GET", "snapshots", params={**P, "limit": "ten"})
    assert status == 400


async def test_get_one_snapshot(api: Api, project: Repository) -> None:
    status, body = await api("GET", "snapshots", "first", params=P)
    assert status == 200
    assert body["snapshot"]["message"] == "first" and "lineage" in body["snapshot"]
    assert {f["path"] for f in body["files"]} == {"notebooks/analysis.ipynb", "data/train.csv"}
    head = project.resolve("HEAD")
    status, body = await api("GET", "snapshots", head[:12], params=P)
    assert status == 200 and body["snapshot"]["id"] == head
    status, body = await api("GET", "snapshots", "HEAD~1", params=P)
    assert body["snapshot"]["message"] == "first"
    status, body = await api("GET", "snapshots", "nope", params=P)
    assert status == 404 and body["error"] == "ReferenceNotFoundError"
    status, body = await api("GET", "snapshots", "--help", params=P)
    assert status == 400


async def test_diff_summary_and_notebook_detail(api: Api, project: Repository) -> None:
    status, diff = await api("GET", "diff", params={**P, "old": "first", "new": "HEAD"})
    assert status == 200
    assert {f["path"] for f in diff["files"]} == {"notebooks/analysis.ipynb", "data/train.csv"}
    acc = next(m for m in diff["metrics"] if m["name"] == "acc")
    assert acc["old"] == 0.5 and acc["new"] == 0.75 and acc["delta"] == pytest.approx(0.25)

    params = {**P, "old": "first", "new": "HEAD", "file": "notebooks/analysis.ipynb"}
    status, detail = await api("GET", "diff", "file", params=params)
    assert status == 200 and detail["kind"] == "notebook" and detail["status"] == "modified"
    nb = detail["detail"]
    assert nb["summary"]["modified"][0]["id"] == "cell-1"
    assert nb["include_outputs"] is True
    _, detail = await api("GET", "diff", "file", params={**params, "outputs": "false"})
    assert detail["detail"]["include_outputs"] is False

    status, _ = await api("GET", "diff", "file", params={**params, "file": "../x.ipynb"})
    assert status == 400


async def test_snapshot_job_waits_or_polls(api: Api, project: Repository) -> None:
    make_notebook(project.root / "notebooks" / "analysis.ipynb", ["x = 3"])
    body = {"message": "from the api", "metrics": {"acc": 0.9}, "tags": ["api-made"]}
    status, job = await api("POST", "snapshots", params={**P, "wait": 20}, body=body)
    assert status == 200, job
    assert job["status"] == "done" and job["kind"] == "snapshot"
    snap = job["result"]["snapshot"]
    assert snap["message"] == "from the api" and snap["tags"] == ["api-made"]
    assert project.log(limit=1)[0].id == snap["id"]

    # Without wait: 202 and a job to poll until it is over.
    status, job = await api("POST", "snapshots", params=P, body={"allow_empty": True})
    assert status in (200, 202)
    for _ in range(200):
        status, job = await api("GET", "jobs", job["id"], params={"wait": 5})
        if job["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "done" and job["result"]["created"] is True
    _, jobs = await api("GET", "jobs")
    assert job["id"] in [j["id"] for j in jobs["jobs"]]


async def test_snapshot_body_is_validated(api: Api, project: Repository) -> None:
    for bad in ({"message": 3}, {"unknown": 1}, {"paths": "x"}, {"tags": ["bad name"]}, [1]):
        status, body = await api("POST", "snapshots", params=P, body=bad)
        assert status == 400, bad
        assert "body" in body["message"] or "invalid" in body["message"]
    status, body = await api("POST", "snapshots", params=P, body="{not json")
    assert status == 400 and "JSON" in body["message"]
    status, _ = await api("POST", "snapshots", params=P, body="x" * (2 << 20))
    assert status == 413
    status, body = await api(
        "POST", "snapshots", params={**P, "wait": 5}, body={"paths": ["../up"]}
    )
    assert status == 400 and body["status"] == "failed" and body["error"]["status"] == 400


async def test_restore_paths_dry_run_then_real(api: Api, project: Repository) -> None:
    csv = project.root / "data" / "train.csv"
    body = {"paths": ["data/train.csv"], "to": "first", "dry_run": True}
    status, job = await api("POST", "restore", "paths", params={**P, "wait": 20}, body=body)
    assert status == 200, job
    items = job["result"]["items"]
    assert [i["action"] for i in items if i["path"] == "data/train.csv"] == ["write"]
    assert csv.read_text() == "a,b\n1,2\n3,5\n5,6\n"

    body["dry_run"] = False
    status, job = await api("POST", "restore", "paths", params={**P, "wait": 20}, body=body)
    assert status == 200 and job["status"] == "done"
    assert csv.read_text() == "a,b\n1,2\n3,4\n"


async def test_restore_whole_snapshot(api: Api, project: Repository) -> None:
    body = {"to": "first", "dry_run": False}
    status, job = await api("POST", "restore", "snapshot", params={**P, "wait": 20}, body=body)
    assert status == 200, job
    assert (project.root / "data" / "train.csv").read_text() == "a,b\n1,2\n3,4\n"
    status, job = await api("POST", "restore", "snapshot", params={**P, "wait": 20}, body={})
    assert status == 400


async def test_restore_cell_inputs_without_reads_is_404(api: Api, project: Repository) -> None:
    body = {"cell_id": "cell-0", "to": "HEAD", "dry_run": True}
    status, job = await api("POST", "restore", "cell", params={**P, "wait": 20}, body=body)
    # No lineage was recorded for this cell: the job fails with the engine's typed error.
    assert status == 404 and job["status"] == "failed"
    assert job["error"]["error"] == "NothingToRestoreError"


async def test_tags(api: Api, project: Repository) -> None:
    status, body = await api("POST", "tags", params=P, body={"name": "v1.0", "ref": "HEAD"})
    assert status == 201 and body["tags"]["v1.0"] == project.resolve("HEAD")
    status, body = await api("POST", "tags", params=P, body={"name": "v1.0"})
    assert status == 409 and body["error"] == "NameExistsError"
    status, body = await api("POST", "tags", params=P, body={"name": "bad name"})
    assert status == 400
    status, _ = await api("DELETE", "tags", "v1.0", params=P)
    assert status == 204
    _, body = await api("GET", "tags", params=P)
    assert set(body["tags"]) == {"first"}
    status, _ = await api("DELETE", "tags", "v1.0", params=P)
    assert status == 404


async def test_versions_and_aliases(api: Api, project: Repository) -> None:
    status, body = await api("GET", "versions", params={**P, "file": "data/train.csv"})
    assert status == 200
    assert [v["label"] for v in body["versions"]] == ["v0", "v1"]
    alias = {"file": "data/train.csv", "name": "best", "version": 0, "message": "why"}
    status, body = await api("PUT", "aliases", params=P, body=alias)
    assert status == 200 and body["version"] == 0
    _, body = await api("GET", "aliases", params={**P, "file": "data/train.csv"})
    assert body["aliases"]["data/train.csv"]["best"] == 0
    assert body["history"][0]["alias"] == "best"
    status, _ = await api(
        "DELETE", "aliases", params={**P, "file": "data/train.csv", "name": "best"}
    )
    assert status == 204
    _, body = await api("GET", "aliases", params=P)
    assert "best" not in body["aliases"].get("data/train.csv", {})


async def test_model_registry(api: Api, project: Repository) -> None:
    model = project.root / "models" / "clf.onnx"
    model.parent.mkdir()
    model.write_bytes(b"\x08\x07not really onnx")
    project.snapshot(["models/clf.onnx"], message="model")
    body = {"name": "churn", "ref": "models/clf.onnx@v0", "description": "first model"}
    status, version = await api("POST", "models", params=P, body=body)
    assert status == 201, version
    assert version["number"] == 1 and version["stage"] == "none"
    stage = {"stage": "production", "reason": "best so far"}
    status, version = await api(
        "PUT", "models", "churn", "versions", "1", "stage", params=P, body=stage
    )
    assert status == 200 and version["stage"] == "production"
    _, models = await api("GET", "models", params=P)
    assert models["models"][0]["name"] == "churn"
    _, history = await api("GET", "registry", "history", params={**P, "name": "churn"})
    assert {e["kind"] for e in history["events"]} >= {"register", "transition"}
    status, _ = await api(
        "PUT", "models", "churn", "versions", "1", "stage", params=P, body={"stage": "gold"}
    )
    assert status == 400


async def test_lineage_of_a_cell(api: Api, project: Repository) -> None:
    status, body = await api("GET", "lineage", params={**P, "cell_id": "cell-1"})
    assert status == 200 and body["cell_id"] == "cell-1"
    assert body["notebook"] == "notebooks/analysis.ipynb" and isinstance(body["runs"], list)
    status, _ = await api("GET", "lineage", params=P)
    assert status == 400


async def test_verify_and_gc(api: Api, project: Repository) -> None:
    status, job = await api("POST", "verify", params={**P, "wait": 20})
    assert status == 200 and job["result"]["ok"] is True and job["result"]["checked"] > 0
    status, job = await api("POST", "gc", params={**P, "wait": 20})
    assert status == 200 and job["result"]["dry_run"] is True
    status, job = await api("GET", "jobs", "1-0123456789ab")
    assert status == 404


@pytest.mark.parametrize(
    "raw",
    [
        "path=../secret.txt",
        "path=%2e%2e%2fsecret.txt",
        "path=%252e%252e%252fsecret.txt",
        "path=proj/notebooks/analysis.ipynb%00.png",
        "path=/etc/passwd",
        "path=proj/link/secret.txt",
        "path=proj/.mlversion/config.toml",
    ],
)
async def test_paths_escaping_the_root_are_refused(
    http_server_client: Any, jp_base_url: str, jp_auth_header: dict, project: Repository, raw: str
) -> None:
    (project.root.parent.parent / "secret.txt").write_text("secret")
    (project.root / "link").symlink_to(project.root.parent.parent)
    for route in ("project", "snapshots", "status"):
        response = await http_server_client.fetch(
            f"{jp_base_url}mlversion/api/{route}?{raw}",
            headers=jp_auth_header,
            raise_error=False,
        )
        assert 400 <= response.code < 500, (route, raw, response.code)


async def test_body_paths_with_nul_or_traversal_are_refused(api: Api, project: Repository) -> None:
    for bad in ("data/train.csv\x00.txt", "../../etc/passwd", "/etc/passwd", "%2e%2e/x"):
        body = {"paths": [bad], "to": "first", "dry_run": True}
        status, job = await api("POST", "restore", "paths", params={**P, "wait": 20}, body=body)
        assert status == 400 and job["error"]["error"] == "PathOutsideProjectError", bad


async def test_project_above_the_server_root_is_not_reachable(jp_root_dir: Path, api: Api) -> None:
    # A project holding the whole served folder from above is outside the server's reach.
    Repository.init(jp_root_dir.parent)
    (jp_root_dir / "nb.ipynb").write_text("{}")
    status, body = await api("GET", "project", params={"path": "nb.ipynb"})
    assert status == 404 and "server's root" in body["message"]


async def test_history_search_and_notebook_cells_in_status(api: Api, project: Repository) -> None:
    project.tag("release-candidate", "HEAD~1")
    _, page = await api("GET", "snapshots", params={**P, "q": "SECOND"})
    assert [s["message"] for s in page["items"]] == ["second"] and page["total"] == 1
    _, page = await api("GET", "snapshots", params={**P, "q": "candidate"})
    assert [s["message"] for s in page["items"]] == ["first"]
    _, page = await api("GET", "snapshots", params={**P, "q": "100%_"})
    assert page["items"] == [] and page["total"] == 0

    _, status = await api("GET", "status", params=P)
    assert status["notebook"]["status"] == "unchanged" and status["suggested_message"] is None
    make_notebook(
        project.root / "notebooks" / "analysis.ipynb", ["import pandas as pd", "x = 3", "y = 4"]
    )
    _, status = await api("GET", "status", params=P)
    cells = status["notebook"]["cells"]
    assert status["notebook"]["status"] == "modified"
    assert [c["id"] for c in cells["added"]] == ["cell-2"]
    assert [c["id"] for c in cells["modified"]] == ["cell-1"]
    assert "notebooks/analysis.ipynb" in status["suggested_message"]

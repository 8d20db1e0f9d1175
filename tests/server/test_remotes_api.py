"""Remotes over REST: list with ahead/behind, add and remove, push, fetch and pull as jobs."""

from __future__ import annotations

from pathlib import Path

from jupyter_mlversion.core.repository import Repository

from .conftest import NOTEBOOK, Api

P = {"path": NOTEBOOK}


async def test_push_fetch_pull_as_jobs_and_ahead_behind(
    api: Api, project: Repository, jp_root_dir: Path, tmp_path: Path
) -> None:
    status, listed = await api("GET", "remotes", params=P)
    assert status == 200 and listed == {"branch": "main", "remotes": []}

    status, added = await api("POST", "remotes", params=P, body={"name": "origin", "url": "shared"})
    assert status == 201, added
    assert added["remotes"][0]["url"] == str((jp_root_dir / "shared").resolve())
    assert added["remotes"][0]["tracking"] is None and added["remotes"][0]["ahead"] == 2

    status, job = await api("POST", "push", params={**P, "wait": 20}, body={})
    assert status == 200 and job["status"] == "done", job
    assert job["kind"] == "push" and job["result"]["snapshots"] == 2
    assert job["progress"]["done"] == job["progress"]["total"] > 0
    status, listed = await api("GET", "remotes", params=P)
    assert listed["remotes"][0] | {"url": None} == {
        "name": "origin", "url": None, "branch": "main",
        "tracking": project.head(), "ahead": 0, "behind": 0,
    }  # fmt: skip

    other, _ = Repository.clone(str(jp_root_dir / "shared"), tmp_path / "other", data=False)
    (other.root / "data").mkdir(exist_ok=True)
    (other.root / "data" / "extra.csv").write_text("x\n1\n")
    other.snapshot(["data/extra.csv"], message="from another clone")
    other.push()

    status, job = await api("POST", "fetch", params={**P, "wait": 20})
    assert status == 200 and job["status"] == "done", job
    status, listed = await api("GET", "remotes", params=P)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (0, 1)

    status, job = await api("POST", "pull", params={**P, "wait": 20}, body={"remote": "origin"})
    assert status == 200 and job["status"] == "done", job
    assert job["result"]["action"] == "fast-forward" and job["result"]["snapshots"] == 1
    assert (project.root / "data" / "extra.csv").read_text() == "x\n1\n"

    status, _ = await api("DELETE", "remotes", "origin", params=P)
    assert status == 204
    assert (await api("GET", "remotes", params=P))[1]["remotes"] == []


async def test_bad_remotes_are_refused_in_one_line(api: Api, project: Repository) -> None:
    for url in ("s3://KEY:hunter2@bucket/p", "../outside", "ftp://host/x"):
        status, error = await api("POST", "remotes", params=P, body={"name": "o", "url": url})
        assert status == 400, (url, error)
        assert "\n" not in error["message"] and "hunter2" not in error["message"]
    status, job = await api("POST", "push", params={**P, "wait": 20}, body={"remote": "nope"})
    assert job["status"] == "failed" and job["error"]["error"] == "RemoteNotFoundError"
    assert not (project.meta / "remotes.json").exists()

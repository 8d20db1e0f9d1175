"""Start versioning a folder from the panel; messages name paths relative to the server root."""

from __future__ import annotations

from pathlib import Path

from jupyter_mlversion.core.repository import Repository

from .conftest import Api, make_notebook


async def test_post_project_creates_it_and_get_finds_it(api: Api, jp_root_dir: Path) -> None:
    make_notebook(jp_root_dir / "exp" / "nb" / "train.ipynb", ["x = 1"])
    status, body = await api("GET", "project", params={"path": "exp/nb/train.ipynb"})
    assert status == 404
    # The message names the notebook's folder as the user sees it, never the server's path.
    assert str(jp_root_dir) not in body["message"]
    assert "exp/nb/train.ipynb" in body["message"]

    status, body = await api("POST", "project", params={"path": "exp"})
    assert status == 201, body
    assert body == {"root": "exp", "notebook": None, "head": None, "snapshots": 0, "tags": {}}
    assert Repository.find_root(jp_root_dir / "exp" / "nb") == (jp_root_dir / "exp").resolve()

    status, body = await api("GET", "project", params={"path": "exp/nb/train.ipynb"})
    assert status == 200
    assert body["root"] == "exp" and body["notebook"] == "nb/train.ipynb"


async def test_post_project_refuses_a_versioned_or_missing_folder(
    api: Api, jp_root_dir: Path
) -> None:
    (jp_root_dir / "exp" / "sub").mkdir(parents=True)
    assert (await api("POST", "project", params={"path": "exp"}))[0] == 201
    status, body = await api("POST", "project", params={"path": "exp/sub"})
    assert status == 409
    assert body["message"] == (
        "exp/sub is already versioned by the project in exp; "
        "open a notebook there to see its versions"
    )
    status, body = await api("POST", "project", params={"path": "exp"})
    assert status == 409 and str(jp_root_dir) not in body["message"]
    status, body = await api("POST", "project", params={"path": "nowhere"})
    assert status == 404 and "'nowhere'" in body["message"]
    status, body = await api("POST", "project", params={"path": "../outside"})
    assert status == 400 and str(jp_root_dir) not in body["message"]


async def test_job_errors_name_paths_relative_to_the_root(
    api: Api, project: Repository, jp_root_dir: Path
) -> None:
    status, job = await api(
        "POST",
        "restore",
        "paths",
        params={"path": "proj/notebooks/analysis.ipynb", "wait": 20},
        body={"paths": ["missing.csv"], "to": "HEAD"},
    )
    assert status >= 400
    assert str(jp_root_dir) not in job["error"]["message"]

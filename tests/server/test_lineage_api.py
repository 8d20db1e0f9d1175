"""REST: the lineage graph, reproduce and aliases that follow a metric, on a real server."""

from __future__ import annotations

from jupyter_mlversion.core.repository import Repository

from .conftest import NOTEBOOK, Api

P = {"path": NOTEBOOK}
DATA = "data/train.csv"


async def test_lineage_graph_route(api: Api, project: Repository) -> None:
    status, graph = await api("GET", "lineage", "graph", params={**P, "file": DATA})
    assert status == 200
    versions = [n["label"] for n in graph["nodes"] if n["kind"] == "version"]
    assert versions == [f"{DATA}@v1", f"{DATA}@v0"] and len(graph["roots"]) == 2
    status, one = await api("GET", "lineage", "graph", params={**P, "file": f"{DATA}@v0"})
    assert status == 200 and one["roots"] == [f"version:{DATA}@{project.versions(DATA)[0].id}"]
    status, body = await api("GET", "lineage", "graph", params={**P, "file": "none.csv"})
    assert status == 404 and "none.csv" in body["message"]
    status, body = await api("GET", "lineage", "graph", params={**P, "file": "../../etc/passwd"})
    assert status in (400, 403)
    status, body = await api("GET", "lineage", "graph", params={**P, "file": DATA, "depth": 99})
    assert status == 400 and "depth" in body["message"]


async def test_reproduce_route_names_the_cell(api: Api, project: Repository) -> None:
    params = {**P, "cell_id": "cell-9", "at": "first"}
    status, body = await api("GET", "reproduce", params=params)
    # The fixture's cells never ran: only outputs are compared, and cell-9 is in no notebook.
    assert status == 200 and body["reproduced"] is False
    assert "no cell cell-9" in body["outputs"]["note"]


async def test_follow_alias_moves_on_a_better_snapshot_from_rest(
    api: Api, project: Repository
) -> None:
    body = {"file": DATA, "name": "best", "follow": "max acc"}
    status, version = await api("PUT", "aliases", params=P, body=body)
    assert status == 200 and version["label"] == "v1"
    status, listed = await api("GET", "aliases", params=P)
    assert listed["follows"][DATA]["best"]["value"] == 0.75
    (project.root / DATA).write_text("a,b\n9,9\n")
    request = {"paths": [DATA], "message": "better", "metrics": {"acc": 0.8}}
    status, job = await api("POST", "snapshots", params={**P, "wait": 20}, body=request)
    assert status == 200, job
    status, listed = await api("GET", "aliases", params={**P, "file": DATA})
    assert listed["aliases"][DATA]["best"] == 2
    assert listed["history"][0]["message"] == "acc 0.8 > 0.75"
    status, _ = await api("PUT", "aliases", params=P, body={**body, "follow": "most acc"})
    assert status == 400
    status, version = await api(
        "PUT", "aliases", params=P, body={"file": DATA, "name": "best", "unfollow": True}
    )
    assert status == 200 and version["label"] == "v2"
    status, listed = await api("GET", "aliases", params=P)
    assert listed["follows"] == {}

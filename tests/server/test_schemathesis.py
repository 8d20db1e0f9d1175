"""Property-based requests from the OpenAPI document: never a 5xx, never a hang."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from jupyter_mlversion.core.repository import Repository
from jupyter_mlversion.server.openapi import load_document

from .conftest import make_notebook
from .live_server import LiveServer

schema = schemathesis.openapi.from_dict(load_document())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose root is a project with the document's example paths in it."""
    root = tmp_path_factory.mktemp("schemathesis-root")
    repo = Repository.init(root)
    make_notebook(root / "notebooks" / "analysis.ipynb", ["import pandas as pd", "x = 1"])
    (root / "data").mkdir()
    (root / "data" / "train.csv").write_text("a,b\n1,2\n")
    repo.snapshot(["notebooks/analysis.ipynb", "data/train.csv"], message="one", tags=["release-1"])
    (root / "data" / "train.csv").write_text("a,b\n1,3\n")
    repo.snapshot(["data/train.csv"], message="two")
    server = LiveServer(root, tmp_path_factory.mktemp("schemathesis-server"))
    yield server
    server.stop()


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_server_error_and_no_hang(case: Any, live: LiveServer) -> None:
    response = case.call(base_url=live.api, headers=live.headers, timeout=30)
    assert response.status_code < 500, (case.method, case.path, response.text[:500])


def test_document_uses_only_known_request_schemas() -> None:
    """Request bodies are self-contained schemas, as the server validates them one by one."""
    doc = load_document()
    for item in doc["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody")
            if body:
                name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert "$ref" not in str(doc["components"]["schemas"][name])

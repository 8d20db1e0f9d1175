"""Fixtures for the REST API: a real Jupyter server with the extension and real projects."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.utils import JupyterServerAuthWarning

# pytest-jupyter's fixtures and its async test runner, scoped to the server tests.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from jupyter_mlversion.core.repository import Repository

NOTEBOOK = "proj/notebooks/analysis.ipynb"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Whatever the global filters say, an unauthenticated route must fail the suite.
    for item in items:
        item.add_marker(
            pytest.mark.filterwarnings(
                f"error::{JupyterServerAuthWarning.__module__}.{JupyterServerAuthWarning.__name__}"
            )
        )


@pytest.fixture
def jp_server_config() -> Config:
    """The extension enabled, and authentication required on every route (no exceptions)."""
    return Config(
        {
            "ServerApp": {
                # Terminals register an unauthenticated websocket route; they are not ours to test.
                "jpserver_extensions": {
                    "jupyter_mlversion": True,
                    "jupyter_server_terminals": False,
                },
                "allow_unauthenticated_access": False,
            },
            "MlversionServer": {"max_wait_seconds": 20.0},
        }
    )


def make_notebook(path: Path, sources: list[str]) -> None:
    """Write a notebook whose cells have fixed ids ``cell-0``, ``cell-1``, ..."""
    nb = nbformat.v4.new_notebook()
    for i, src in enumerate(sources):
        cell = nbformat.v4.new_code_cell(src)
        cell["id"] = f"cell-{i}"
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def project(jp_root_dir: Path) -> Repository:
    """``proj/`` under the server root: a notebook, a CSV, two snapshots (tagged ``first``)."""
    root = jp_root_dir / "proj"
    root.mkdir()
    repo = Repository.init(root)
    make_notebook(root / "notebooks" / "analysis.ipynb", ["import pandas as pd", "x = 1"])
    (root / "data").mkdir()
    (root / "data" / "train.csv").write_text("a,b\n1,2\n3,4\n")
    repo.snapshot(
        ["notebooks/analysis.ipynb", "data/train.csv"],
        message="first",
        metrics={"acc": 0.5},
        tags=["first"],
    )
    make_notebook(root / "notebooks" / "analysis.ipynb", ["import pandas as pd", "x = 2"])
    (root / "data" / "train.csv").write_text("a,b\n1,2\n3,5\n5,6\n")
    repo.snapshot(message="second", metrics={"acc": 0.75})
    return repo


Api = Callable[..., Awaitable[tuple[int, Any]]]


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api("GET", "snapshots", params=..., body=...)`` -> (status, parsed JSON or None)."""

    async def call(
        method: str, *parts: str, params: dict[str, Any] | None = None, body: Any = None
    ) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"method": method}
        if body is not None:
            kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
        elif method in ("POST", "PUT"):
            kwargs["body"] = b""
        if method == "DELETE" or (method in ("POST", "PUT") and not kwargs.get("body")):
            kwargs["allow_nonstandard_methods"] = True
        try:
            response = await jp_fetch("mlversion", "api", *parts, params=params or {}, **kwargs)
        except HTTPClientError as err:
            assert err.response is not None
            text = err.response.body
            return err.code, json.loads(text) if text else None
        text = response.body
        return response.code, json.loads(text) if text else None

    return call

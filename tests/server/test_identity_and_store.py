"""Snapshots through the API carry the signed-in user, and objects go where the server says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from traitlets.config import Config

from jupyter_mlversion.core.repository import Repository

from .conftest import NOTEBOOK, Api, make_notebook

P = {"path": NOTEBOOK}


class NamedIdentity(IdentityProvider):
    """Token-checked like the default, but the user has a name (as on JupyterHub)."""

    async def get_user(self, handler: Any) -> User | None:
        user = await super().get_user(handler)
        return None if user is None else User("grace", name="Grace Hopper")


@pytest.fixture
def team_store(tmp_path: Path) -> Path:
    return tmp_path / "team-store"


@pytest.fixture
def jp_server_config(jp_server_config: Config, team_store: Path) -> Config:
    jp_server_config.ServerApp.identity_provider_class = NamedIdentity
    jp_server_config.MlversionServer.store_path = str(team_store)
    return jp_server_config


async def test_author_and_store_come_from_the_server(
    api: Api, jp_root_dir: Path, team_store: Path
) -> None:
    root = jp_root_dir / "proj"
    root.mkdir()
    Repository.init(root)
    make_notebook(root / "notebooks" / "analysis.ipynb", ["x = 1"])
    (root / "big.bin").write_bytes(b"z" * 300_000)
    body = {"message": "from grace", "paths": ["big.bin"]}
    status, job = await api("POST", "snapshots", params={**P, "wait": 20}, body=body)
    assert status == 200, job
    snap = job["result"]["snapshot"]
    assert (snap["author"], snap["email"]) == ("Grace Hopper", "grace@jupyter")
    assert any(p.is_file() for p in team_store.rglob("*"))
    assert not any(p.is_file() for p in (root / ".mlversion" / "objects").rglob("*"))
    restored = Repository.open(root, store_path=team_store)
    (root / "big.bin").write_bytes(b"changed")
    restored.restore(["big.bin"], to="HEAD")
    assert (root / "big.bin").read_bytes() == b"z" * 300_000

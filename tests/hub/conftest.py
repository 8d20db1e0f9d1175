"""One real JupyterHub per test session, with alice, bob and carol (see jupyterhub_config.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .hub import Hub, proxy_command


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    if proxy_command() is None:
        pytest.skip("configurable-http-proxy is missing: run scripts/setup.sh")
    running = Hub(tmp_path_factory.mktemp("hub"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def servers(hub: Hub) -> dict[str, str]:
    """Every person signed in once (so the hub knows their name and email); alice's and bob's
    servers started (in parallel by the hub; carol works in alice's): name -> URL."""
    for user in ("alice", "bob", "carol"):
        hub.login(user)
    for user in ("alice", "bob"):
        hub.api("POST", f"users/{user}/server")
    return {user: hub.start_server(user) for user in ("alice", "bob")}


def home(hub: Hub, user: str) -> Path:
    return hub.home(user)

"""One real JupyterHub per test session, with alice, bob and carol (see jupyterhub_config.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .hub import Hub, proxy_command

try:  # the remotes' SeaweedFS helper; pytest names the package ``remote`` or ``tests.remote``
    from tests.remote import seaweed
except ImportError:  # pragma: no cover
    from remote import seaweed  # type: ignore[no-redef]

#: The team remote's bucket on the session's SeaweedFS.
TEAM_BUCKET = "hub-team"


@pytest.fixture(scope="session")
def team_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.S3Server]:
    """SeaweedFS on loopback, as the team's S3 remote, with one bucket."""
    server = seaweed.start(tmp_path_factory.mktemp("hub-seaweedfs"))
    try:
        server.client().create_bucket(Bucket=TEAM_BUCKET)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, team_s3: seaweed.S3Server) -> Iterator[Hub]:
    if proxy_command() is None:
        pytest.skip("configurable-http-proxy is missing: run scripts/setup.sh")
    env = {**team_s3.env(), "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    running = Hub(tmp_path_factory.mktemp("hub"), server_env=env)
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

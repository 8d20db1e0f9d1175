"""Fixtures for remotes: a real S3 server (SeaweedFS) on loopback for the session, a fresh
bucket per test with the standard AWS variables pointing at it, and a file remote."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jupyter_mlversion.core.repository import Repository

from . import seaweed

_prefixes = itertools.count()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.S3Server]:
    server = seaweed.start(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_env(s3_server: seaweed.S3Server, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The standard AWS variables for the test server, set in this process."""
    env = s3_server.env()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


BUCKET = "mlversion-tests"


@pytest.fixture(scope="session")
def s3_bucket(s3_server: seaweed.S3Server) -> str:
    """One bucket for the session (each test has its own prefix in it)."""
    s3_server.client().create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture
def s3_url(s3_bucket: str, s3_env: dict[str, str]) -> str:
    """``s3://BUCKET/PREFIX/project``, a prefix no other test uses."""
    return f"s3://{s3_bucket}/t{os.getpid()}-{next(_prefixes)}/project"


@pytest.fixture(params=["file", "s3"])
def remote_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A file remote and an S3 remote: each test that takes this runs against both."""
    if request.param == "file":
        return str(tmp_path / "shared-remote")
    url: str = request.getfixturevalue("s3_url")
    return url


@pytest.fixture
def clone(tmp_path: Path) -> Callable[..., Repository]:
    """``clone(url, name)``: a new clone of ``url`` in ``tmp_path/name``."""

    def make(url: str, name: str, **options: object) -> Repository:
        repo, _ = Repository.clone(url, tmp_path / name, **options)  # type: ignore[arg-type]
        return repo

    return make

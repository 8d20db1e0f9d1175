"""Faults of a remote: each is one clear line, and the local project stays as it was."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jupyter_mlversion.core.errors import RemoteAuthError, RemoteCorruptError, RemoteError
from jupyter_mlversion.core.repository import Repository
from jupyter_mlversion.core.store.packs import decode_index

from . import seaweed
from .proxy import BreakingProxy

ROOT = Path(__file__).resolve().parents[2]


def _project(
    make_project: Callable[..., Repository], url: str, size: int = 3_000_000
) -> Repository:
    repo = make_project({"big.bin": os.urandom(size), "notes.txt": "hello\n"})
    repo.snapshot(["big.bin", "notes.txt"], message="first")
    repo.remote_add("origin", url)
    return repo


def _unchanged(repo: Repository) -> None:
    """No remote-tracking ref appeared and the project's files are as they were."""
    out = repo.history.runner.run("for-each-ref", "--format=%(refname)", "refs/remotes")
    assert out.decode().split() == []
    assert repo.status().clean


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_wrong_credentials(
    make_project: Callable[..., Repository], s3_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _project(make_project, s3_url)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(RemoteAuthError) as caught:
        repo.push()
    assert "refused the credentials" in _one_line(caught) and "origin" in str(caught.value)
    _unchanged(repo)


def test_no_permission_to_write(
    make_project: Callable[..., Repository], s3_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _project(make_project, s3_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "reader")  # may read and list, not write
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "reader-secret")
    with pytest.raises(RemoteAuthError) as caught:
        repo.push()
    assert "denied permission" in _one_line(caught) and "packs/" in str(caught.value)
    _unchanged(repo)


def test_missing_bucket(make_project: Callable[..., Repository], s3_env: dict[str, str]) -> None:
    repo = _project(make_project, "s3://no-such-bucket-here/p")
    with pytest.raises(RemoteError) as caught:
        repo.fetch()
    assert "bucket does not exist" in _one_line(caught)
    _unchanged(repo)


def test_unreachable_endpoint(
    make_project: Callable[..., Repository], s3_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once it is closed
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    repo = _project(make_project, s3_url)
    with pytest.raises(RemoteError) as caught:
        repo.push()
    assert "cannot reach remote 'origin'" in _one_line(caught)
    assert "gave up after 4 tries" in str(caught.value)
    _unchanged(repo)


@pytest.fixture
def proxy(s3_server: seaweed.S3Server) -> Iterator[Callable[..., BreakingProxy]]:
    made: list[BreakingProxy] = []

    def make(pattern: bytes, budget: int | None) -> BreakingProxy:
        parts = urlsplit(s3_server.endpoint)
        made.append(BreakingProxy((parts.hostname or "", parts.port or 0), pattern, budget))
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_network_errors_mid_transfer_are_retried(
    make_project: Callable[..., Repository],
    s3_url: str,
    proxy: Callable[..., BreakingProxy],
    monkeypatch: pytest.MonkeyPatch,
    clone: Callable[..., Repository],
) -> None:
    repo = _project(make_project, s3_url)
    breaking = proxy(rb"PUT [^ ]*/packs/", 3)
    monkeypatch.setenv("AWS_ENDPOINT_URL", breaking.endpoint)
    pushed = repo.push()
    assert breaking.broken == 3 and pushed.snapshots == 1
    bob = clone(s3_url, "bob")
    assert (bob.root / "big.bin").read_bytes() == (repo.root / "big.bin").read_bytes()


def test_a_network_that_keeps_failing_names_the_remote_and_object(
    make_project: Callable[..., Repository],
    s3_url: str,
    proxy: Callable[..., BreakingProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = _project(make_project, s3_url)
    breaking = proxy(rb"PUT [^ ]*/packs/", None)
    monkeypatch.setenv("AWS_ENDPOINT_URL", breaking.endpoint)
    with pytest.raises(RemoteError) as caught:
        repo.push()
    text = _one_line(caught)
    assert "remote 'origin'" in text and "writing packs/" in text and "gave up" in text
    _unchanged(repo)
    raw, _ = repo._remotes._backend(None).read_refs()
    assert raw is None  # refs.json never written: the remote still looks empty


def _flip(s3_server: seaweed.S3Server, url: str, key_part: str, suffix: str = "") -> str:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    client = s3_server.client()
    listed = client.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/{key_part}")["Contents"]
    key = max((o for o in listed if o["Key"].endswith(suffix)), key=lambda o: o["Size"])["Key"]
    data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[len(data) // 2] ^= 0x01
    client.put_object(Bucket=bucket, Key=key, Body=bytes(data))
    return str(key)


def test_a_flipped_object_on_the_remote_is_refused(
    make_project: Callable[..., Repository],
    s3_url: str,
    s3_server: seaweed.S3Server,
    clone: Callable[..., Repository],
) -> None:
    alice = _project(make_project, s3_url)
    alice.push()
    bob = clone(s3_url, "bob", data=False)
    key = _flip(s3_server, s3_url, "packs/", ".pack")
    with pytest.raises(RemoteCorruptError) as caught:
        bob.restore(["big.bin"])
    assert "is corrupt" in _one_line(caught) and key.rsplit("/", 2)[-2] in str(caught.value)
    assert key.rsplit("/", 1)[-1] in str(caught.value)
    assert not (bob.root / "big.bin").exists()
    assert bob.verify().corrupt == ()  # nothing of the bad download was kept


def test_a_flipped_pack_index_on_the_remote_is_refused(
    make_project: Callable[..., Repository],
    s3_url: str,
    s3_server: seaweed.S3Server,
    clone: Callable[..., Repository],
) -> None:
    alice = _project(make_project, s3_url)
    alice.push()
    bob = clone(s3_url, "bob", data=False)
    key = _flip(s3_server, s3_url, "packs/", ".idx")
    with pytest.raises(RemoteCorruptError) as caught:
        bob.restore(["big.bin"])
    assert "is corrupt" in _one_line(caught) and key.rsplit("/", 1)[-1] in str(caught.value)
    assert not (bob.root / "big.bin").exists()
    assert not list((bob.meta / "remote-index").glob("*.idx"))  # the bad index was not kept


def test_a_flipped_history_bundle_is_refused(
    make_project: Callable[..., Repository],
    s3_url: str,
    s3_server: seaweed.S3Server,
    tmp_path: Path,
) -> None:
    _project(make_project, s3_url).push()
    _flip(s3_server, s3_url, "history/")
    with pytest.raises(RemoteCorruptError, match="is corrupt"):
        Repository.clone(s3_url, tmp_path / "bob")
    assert not (tmp_path / "bob").exists()


def test_a_push_killed_midway_is_resumed_by_the_next(
    make_project: Callable[..., Repository],
    s3_url: str,
    s3_server: seaweed.S3Server,
    clone: Callable[..., Repository],
) -> None:
    repo = _project(make_project, s3_url, size=96_000_000)
    bucket, _, prefix = s3_url.removeprefix("s3://").partition("/")
    client = s3_server.client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.remote.worker", "push", str(repo.root)], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 60
    indexes: list[str] = []
    while not indexes and time.monotonic() < deadline and worker.poll() is None:
        listed = client.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/packs/")
        indexes = [o["Key"] for o in listed.get("Contents", []) if o["Key"].endswith(".idx")]
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert indexes, "the push finished or stalled before it could be killed"
    raw = client.get_object(Bucket=bucket, Key=indexes[0])["Body"].read()
    uploaded = len(decode_index(raw))  # objects in the pack that was whole when killed
    with pytest.raises(RemoteError, match="is empty"):
        clone(s3_url, "too-early")

    resumed = repo.push()
    assert uploaded >= 10 and resumed.skipped >= uploaded and resumed.snapshots == 1
    bob = clone(s3_url, "bob")
    assert (bob.root / "big.bin").read_bytes() == (repo.root / "big.bin").read_bytes()

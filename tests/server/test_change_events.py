"""Open editors follow restores: every restore that changes files emits a files-changed event."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from jupyter_mlversion.core.repository import Repository
from jupyter_mlversion.server.changes import SCHEMA_FILE, SCHEMA_ID, ChangeWatcher

from .conftest import NOTEBOOK, Api

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def events(jp_serverapp: Any) -> list[dict[str, Any]]:
    """Every files-changed event the running server emits, as its listeners receive it."""
    seen: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        seen.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=SCHEMA_ID, listener=listener)
    return seen


async def _until(seen: list[dict[str, Any]], count: int, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if len(seen) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} event(s), got {seen}")


def test_schema_is_the_one_registered() -> None:
    assert SCHEMA["$id"] == SCHEMA_ID


async def test_rest_restore_emits_paths_relative_to_the_server_root(
    api: Api, project: Repository, events: list[dict[str, Any]], jp_serverapp: Any
) -> None:
    assert SCHEMA_ID in jp_serverapp.event_logger.schemas.schema_ids
    status, _ = await api("GET", "project", params={"path": NOTEBOOK})
    assert status == 200
    status, job = await api(
        "POST",
        "restore",
        "paths",
        params={"path": NOTEBOOK, "wait": 20},
        body={"paths": ["data/train.csv"], "to": "first"},
    )
    assert status == 200, job
    await _until(events, 1)
    event = events[0]
    jsonschema.validate(event, SCHEMA)
    assert event["project"] == "proj"
    assert event["paths"] == ["proj/data/train.csv"]
    assert event["deleted"] == []
    assert event["source"] == project.resolve("first")
    # A restore that changes nothing emits nothing.
    await api(
        "POST",
        "restore",
        "paths",
        params={"path": NOTEBOOK, "wait": 20},
        body={"paths": ["data/train.csv"], "to": "first"},
    )
    await asyncio.sleep(1.5)
    assert len(events) == 1


async def test_cli_restore_in_the_project_reaches_the_server(
    api: Api, project: Repository, events: list[dict[str, Any]]
) -> None:
    await api("GET", "project", params={"path": NOTEBOOK})
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", "checkout", "first"],
        cwd=project.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    await _until(events, 1)
    jsonschema.validate(events[0], SCHEMA)
    assert set(events[0]["paths"]) == {"proj/data/train.csv", "proj/notebooks/analysis.ipynb"}


def test_nothing_lost_or_repeated_across_restarts(tmp_path: Path) -> None:
    """A new watcher (a restarted server) sends what changed while it was down, once."""
    root = tmp_path / "srv"
    (root / "p").mkdir(parents=True)
    repo = Repository.init(root / "p")
    (root / "p" / "a.txt").write_text("one")
    first = repo.snapshot(["a.txt"], message="one").snapshot
    assert first is not None
    (root / "p" / "a.txt").write_text("two")
    repo.snapshot(message="two")
    cursor = tmp_path / "runtime" / "cursor.json"
    seen: list[dict[str, Any]] = []

    watcher = ChangeWatcher(root, seen.append, cursor, interval=0)
    watcher.watch(root / "p")
    repo.restore(["a.txt"], to=first.id)
    assert watcher.poll() == 1
    assert watcher.poll() == 0  # unchanged log: nothing read, nothing sent again

    # The server stops; two restores happen meanwhile; a new server starts.
    repo.restore(["a.txt"], to="HEAD")
    repo.restore(["a.txt"], to=first.id)
    restarted = ChangeWatcher(root, seen.append, cursor, interval=0)
    restarted.watch(root / "p")
    assert restarted.poll() == 2
    assert restarted.poll() == 0
    seqs = [e["seq"] for e in seen]
    assert seqs == sorted(set(seqs)) and len(seqs) == 3
    assert all(e["paths"] == ["p/a.txt"] for e in seen)
    for event in seen:
        jsonschema.validate(event, SCHEMA)

"""A job's progress over REST: the engine's numbers, in the unit the job names."""

from __future__ import annotations

import os

import pytest

from jupyter_mlversion.core.repository import Repository
from jupyter_mlversion.server.jobs import Job

from .conftest import NOTEBOOK, Api

P = {"path": NOTEBOOK}
BIG = 6 * 1024 * 1024 + 777


async def test_snapshot_job_progress_ends_at_the_bytes_stored(
    api: Api, project: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the engine reported on the way, as the job received it.
    heard: list[tuple[int, int]] = []
    original = Job.progress

    def progress(self: Job, done: int, total: int, label: str) -> None:
        heard.append((done, total))
        original(self, done, total, label)

    monkeypatch.setattr(Job, "progress", progress)
    (project.root / "data" / "big.bin").write_bytes(os.urandom(BIG))
    body = {"message": "a big file", "paths": ["data/big.bin"], "include_notebook": False}
    status, job = await api("POST", "snapshots", params={**P, "wait": 20}, body=body)
    assert status == 200 and job["status"] == "done", job
    assert job["progress"]["unit"] == "bytes"
    assert job["progress"]["done"] == job["progress"]["total"] == BIG
    assert job["progress"]["label"] == "data/big.bin"
    assert len(heard) > 2 and all(t == BIG for _, t in heard)
    dones = [d for d, _ in heard]
    assert dones == sorted(dones) and max(dones) == BIG


def test_a_job_never_shows_progress_going_back_or_past_its_total() -> None:
    job = Job(id="1", kind="snapshot", project="p")
    job.progress(50, 100, "a")
    job.progress(20, 100, "a")  # a retried phase starting again
    assert (job.done, job.total) == (50, 100)
    job.progress(500, 100, "b")
    assert job.to_dict()["progress"] == {"done": 100, "total": 100, "label": "b", "unit": "bytes"}


async def test_verify_job_progress_counts_objects(api: Api, project: Repository) -> None:
    status, job = await api("POST", "verify", params={**P, "wait": 20})
    assert status == 200 and job["status"] == "done", job
    checked = job["result"]["checked"]
    assert checked > 0
    assert job["progress"] == {
        "done": checked,
        "total": checked,
        "label": "verifying objects",
        "unit": "objects",
    }

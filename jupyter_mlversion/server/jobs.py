"""Long operations run in a thread pool as jobs whose progress and result can be polled."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..core.progress import unit_of
from .errors import error_body

JobStatus = Literal["queued", "running", "done", "failed"]
JobWork = Callable[[Callable[[int, int, str], None]], dict[str, Any]]

log = logging.getLogger(__name__)


@dataclass
class Job:
    """One operation: what it is, how far it got, and its result or error once finished."""

    id: str
    kind: str
    project: str
    created: float = field(default_factory=time.time)
    status: JobStatus = "queued"
    done: int = 0
    total: int = 0
    label: str = ""
    unit: str = "bytes"
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    finished: float | None = None
    # Set once the job finishes; waiters await it from the event loop.
    event: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def over(self) -> bool:
        return self.status in ("done", "failed")

    def progress(self, done: int, total: int, label: str) -> None:
        """The engine's progress callback (called from the worker thread).

        The engine keeps ``done`` monotonic and within ``total``; a job holds to it as well, so a
        poller never sees a bar go back or past its end, even across the engine's phases.
        """
        total = max(total, 0)
        self.done, self.total, self.label = min(max(done, self.done), total), total, label

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "project": self.project,
            "status": self.status,
            "progress": {
                "done": self.done,
                "total": self.total,
                "label": self.label,
                "unit": self.unit,
            },
            "created": self.created,
            "finished": self.finished,
            "result": self.result,
            "error": self.error,
        }


class JobManager:
    """Start jobs on a bounded thread pool and keep the most recent ones for polling."""

    def __init__(self, max_workers: int, keep: int, root: Path | None = None) -> None:
        self._root = root  # error messages name paths relative to it
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="mlversion-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()
        self._seq = itertools.count(1)

    def start(self, kind: str, project: str, work: JobWork) -> Job:
        """Queue ``work(progress)`` and return its job at once (call from the event loop)."""
        job = Job(
            id=f"{next(self._seq)}-{uuid.uuid4().hex[:12]}",
            kind=kind,
            project=project,
            unit=unit_of(kind),
        )
        loop = asyncio.get_running_loop()
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        future = loop.run_in_executor(self._pool, self._run, job, work, self._root)
        future.add_done_callback(lambda _: job.event.set())
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))

    async def wait(self, job: Job, seconds: float) -> None:
        """Wait up to ``seconds`` for ``job`` to finish; returns early when it does."""
        if job.over or seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(job.event.wait(), timeout=seconds)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _run(job: Job, work: JobWork, root: Path | None = None) -> None:
        job.status = "running"
        try:
            job.result = work(job.progress)
            job.status = "done"
        except Exception as exc:
            status, body = error_body(exc, root)
            if status >= 500:
                log.exception("mlversion job %s (%s) failed", job.id, job.kind)
            job.error = body
            job.status = "failed"
        finally:
            job.finished = time.time()

    def _forget_old(self) -> None:
        # Only finished jobs are dropped: a running job must stay reachable.
        excess = len(self._jobs) - self._keep
        for job_id in [j.id for j in self._jobs.values() if j.over][: max(excess, 0)]:
            del self._jobs[job_id]

"""Follow long operations: list recent jobs, get one (optionally waiting for it)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from jupyter_mlversion.core.errors import ReferenceNotFoundError

from .base import MlversionHandler


class JobsHandler(MlversionHandler):
    """Recent jobs, newest first."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish({"jobs": [job.to_dict() for job in self.state.jobs.list()]})


class JobHandler(MlversionHandler):
    """One job's status, progress and result; ``?wait=`` seconds to wait for its end."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        job = self.state.jobs.get(job_id)
        if job is None:
            raise ReferenceNotFoundError(
                f"no job {job_id!r} on this server (finished jobs are forgotten after "
                f"{self.state.config.job_history} newer ones, and on restart)"
            )
        wait = self.float_arg("wait", 0.0, 0.0, 600.0)
        await self.state.jobs.wait(job, min(wait, self.state.config.max_wait_seconds))
        self.set_status(200 if job.over else 202)
        self.finish(job.to_dict())

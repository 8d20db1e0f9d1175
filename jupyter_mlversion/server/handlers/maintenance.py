"""Verify the store and collect garbage, as jobs."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import MlversionHandler, Project


class VerifyHandler(MlversionHandler):
    """Check every object a snapshot needs against its id."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        def work(project: Project, progress: Any) -> dict[str, Any]:
            return project.repo.verify(progress=progress).to_dict()

        await self.start_job("verify", work)


class GcHandler(MlversionHandler):
    """Remove objects no snapshot needs; a dry run unless ``{"dry_run": false}``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        dry_run = bool(self.body("GcRequest", optional=True).get("dry_run", True))

        def work(project: Project, progress: Any) -> dict[str, Any]:
            return project.repo.gc(dry_run=dry_run, progress=progress).to_dict()

        await self.start_job("gc", work)

"""A notebook's project and the working tree's status."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import MlversionHandler, Project


class ProjectHandler(MlversionHandler):
    """Where the project holding ``?path=`` lives, its head, snapshot count and tags."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        def work(project: Project) -> dict[str, Any]:
            repo = project.repo
            count = repo.count()
            return {
                "root": project.root_relative,
                "notebook": project.notebook,
                "head": repo.resolve("HEAD") if count else None,
                "snapshots": count,
                "tags": repo.tags(),
            }

        self.finish(await self.run(work))


class StatusHandler(MlversionHandler):
    """What changed since the last snapshot."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish(await self.run(lambda project: project.repo.status().to_dict()))

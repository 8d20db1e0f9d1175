"""Branches: list, create, delete, and switching the working tree (as a job)."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_ref
from .base import MlversionHandler, Project


class BranchesHandler(MlversionHandler):
    """``GET``: every branch (ahead/behind against main); ``POST``: create one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        def work(project: Project) -> dict[str, Any]:
            return project.repo.branches().to_dict()

        self.finish(await self.run(work))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("BranchRequest")
        name = check_ref(body["name"], "name")
        ref = check_ref(body.get("ref", "HEAD"), "ref")

        def work(project: Project) -> dict[str, Any]:
            return project.repo.create_branch(name, ref).to_dict()

        self.set_status(201)
        self.finish(await self.run(work))


class BranchHandler(MlversionHandler):
    """``DELETE``: delete a branch (409 naming what would be lost, unless ``force``)."""

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        check_ref(name, "branch")
        force = self.bool_arg("force", False)

        def work(project: Project) -> dict[str, Any]:
            return project.repo.delete_branch(name, force=force).to_dict()

        self.finish(await self.run(work))


class SwitchHandler(MlversionHandler):
    """Move the working tree to a branch and make it current (unsaved work kept)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("SwitchRequest")
        name = check_ref(body["branch"], "branch")
        create = bool(body.get("create", False))
        dry_run = bool(body.get("dry_run", False))

        def work(project: Project, progress: Any) -> dict[str, Any]:
            result = project.repo.switch(name, create=create, dry_run=dry_run, progress=progress)
            return result.to_dict()

        await self.start_job("switch", work)

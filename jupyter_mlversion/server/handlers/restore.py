"""Restore, always as a job: files, a cell's inputs, or a whole snapshot; all with dry run."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_ref
from .base import MlversionHandler, Project


class RestorePathsHandler(MlversionHandler):
    """Restore files to their state at ``to`` (unsaved work is snapshotted first)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("RestorePathsRequest")
        to = check_ref(body.get("to", "HEAD"), "to")
        dry_run = bool(body.get("dry_run", False))

        def work(project: Project, progress: Any) -> dict[str, Any]:
            paths = [project.file(p, "paths") for p in body["paths"]]
            return project.repo.restore(paths, to=to, dry_run=dry_run, progress=progress).to_dict()

        await self.start_job("restore", work)


class RestoreCellHandler(MlversionHandler):
    """Restore the files a cell read to the versions it read at snapshot ``to``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("RestoreCellRequest")
        to = check_ref(body["to"], "to")
        dry_run = bool(body.get("dry_run", False))

        def work(project: Project, progress: Any) -> dict[str, Any]:
            result = project.repo.restore_cell_inputs(
                body["cell_id"], to=to, notebook=project.notebook, dry_run=dry_run
            )
            return result.to_dict()

        await self.start_job("restore-cell", work)


class RestoreSnapshotHandler(MlversionHandler):
    """Make the working tree match snapshot ``to``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("RestoreSnapshotRequest")
        to = check_ref(body["to"], "to")
        dry_run = bool(body.get("dry_run", False))

        def work(project: Project, progress: Any) -> dict[str, Any]:
            return project.repo.checkout(to, dry_run=dry_run, progress=progress).to_dict()

        await self.start_job("checkout", work)

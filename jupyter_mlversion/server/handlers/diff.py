"""Diffs between two references: a summary of every file, or one file in detail."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import MlversionHandler, Project


class DiffHandler(MlversionHandler):
    """Files, metrics and params that differ between ``old`` and ``new``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        old = self.ref_arg("old", "HEAD~1")
        new = self.ref_arg("new", "HEAD")
        self.finish(await self.run(lambda project: project.repo.diff(old, new).to_dict()))


class FileDiffHandler(MlversionHandler):
    """One file between ``old`` and ``new``: notebook (nbdime format), table, model or bytes."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        old = self.ref_arg("old", "HEAD~1")
        new = self.ref_arg("new", "HEAD")
        file_arg = self.required("file")
        outputs = self.bool_arg("outputs", True)
        keys = tuple(k for k in (self.arg("keys") or "").split(",") if k)
        limit = self.state.config.max_diff_bytes

        def work(project: Project) -> object:
            return project.repo.diff_file(
                project.file(file_arg), old, new, outputs=outputs, keys=keys, max_bytes=limit
            )

        self.finish(await self.run(work))

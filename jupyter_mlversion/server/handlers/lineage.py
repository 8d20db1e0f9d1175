"""A cell's lineage across snapshots: which files it read and wrote, at which versions."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..errors import RequestError
from .base import MlversionHandler, Project


class LineageHandler(MlversionHandler):
    """For each snapshot that ran ``cell_id`` of the notebook in ``?path=``: its reads."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        cell_id = self.required("cell_id")
        if len(cell_id) > 200:
            raise RequestError("cell_id is longer than 200 characters")

        def work(project: Project) -> dict[str, Any]:
            runs = project.repo.cell_inputs(cell_id, notebook=project.notebook)
            return {"cell_id": cell_id, "notebook": project.notebook, "runs": runs}

        self.finish(await self.run(work))


class LineageGraphHandler(MlversionHandler):
    """The upstream lineage graph of ``?file=`` (every version, or ``PATH@vN``)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        file_arg = self.required("file")
        depth = self.int_arg("depth", 10, 0, 50)
        max_nodes = self.int_arg("max_nodes", 500, 1, 5000)

        def work(project: Project) -> dict[str, Any]:
            path, sep, selector = file_arg.rpartition("@")
            target = f"{project.file(path)}@{selector}" if sep else project.file(file_arg)
            return project.repo.lineage(target, depth=depth, max_nodes=max_nodes).to_dict()

        self.finish(await self.run(work))


class ReproduceHandler(MlversionHandler):
    """Compare the re-run of ``?cell_id=`` (notebook on disk, journals) with ``?at=``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        cell_id = self.required("cell_id")
        if len(cell_id) > 200:
            raise RequestError("cell_id is longer than 200 characters")
        at = self.ref_arg("at", "HEAD")

        def work(project: Project) -> dict[str, Any]:
            found = project.repo.reproduce(cell_id, at=at, notebook=project.notebook)
            return found.to_dict()

        self.finish(await self.run(work))

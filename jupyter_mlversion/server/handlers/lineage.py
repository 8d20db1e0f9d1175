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

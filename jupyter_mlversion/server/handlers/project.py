"""A notebook's project and the working tree's status."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from jupyter_mlversion.core.diffs import diff_notebook_sources
from jupyter_mlversion.core.errors import ProjectExistsError, ReferenceNotFoundError
from jupyter_mlversion.core.model import FileEntry
from jupyter_mlversion.core.repository import Repository

from ..paths import resolve_inside
from .base import AUTH_RESOURCE, MlversionHandler, Project


class ProjectHandler(MlversionHandler):
    """Where the project holding ``?path=`` lives, its head, snapshot count and tags."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        allowed = self.authorizer.is_authorized(self, self.current_user, "write", AUTH_RESOURCE)

        def work(project: Project) -> dict[str, Any]:
            repo = project.repo
            count = repo.count()
            reason = None if allowed else "read-only for you: your hub role does not allow changes"
            if reason is None and not repo.writable():
                reason = "read-only for you: your user cannot write this project's .mlversion/"
            return {
                "root": project.root_relative,
                "notebook": project.notebook,
                "head": repo.resolve("HEAD") if count else None,
                "snapshots": count,
                "tags": repo.tags(),
                "can_write": reason is None,
                "read_only_reason": reason,
            }

        answer = await self.run(work)
        if self.state.changes is not None:
            # Open editors follow restores of this project from now on, whoever makes them.
            self.state.changes.watch(self.state.root / answer["root"])
        self.finish(answer)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Start versioning the folder ``?path=`` (the panel's "Start versioning this folder")."""
        root = self.state.root
        folder = resolve_inside(root, self.required("path"), "path")
        shown = folder.relative_to(root).as_posix() or "."

        def work() -> dict[str, Any]:
            if not folder.is_dir():
                raise ReferenceNotFoundError(
                    f"no folder {shown!r} under the server's root folder; create it first"
                )
            holder = Repository.find_root(folder)
            if holder is not None and holder.resolve().is_relative_to(root):
                where = holder.resolve().relative_to(root).as_posix() or "."
                raise ProjectExistsError(
                    f"{shown} is already versioned by the project in {where}; "
                    "open a notebook there to see its versions"
                )
            Repository.init(folder).close()
            return {"root": shown, "notebook": None, "head": None, "snapshots": 0, "tags": {}}

        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(self.state.reads, work)
        if self.state.changes is not None:
            self.state.changes.watch(folder)
        self.set_status(201)
        self.finish(answer)


class StatusHandler(MlversionHandler):
    """What changed since the last snapshot."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        patterns = list(self.state.config.track_patterns)

        def work(project: Project) -> dict[str, Any]:
            notebook = project.notebook
            status = project.repo.status(
                [notebook] if notebook and not notebook.endswith(".ipynb") else [],
                notebook=notebook if notebook and notebook.endswith(".ipynb") else None,
                patterns=patterns,
            ).to_dict()
            status["notebook"] = _notebook_cells(project, status)
            return status

        self.finish(await self.run(work))


def _notebook_cells(project: Project, status: dict[str, Any]) -> dict[str, Any] | None:
    """Cells of the located notebook added, removed or modified since the last snapshot."""
    name = project.notebook
    if not name or not name.endswith(".ipynb"):
        return None
    change = next((c for c in status["changes"] if c["path"] == name), None)
    repo = project.repo
    if change is None:
        tracked = name in repo.head_state()[1]
        return {"path": name, "status": "unchanged" if tracked else "untracked", "cells": None}
    if change["status"] != "modified":
        return {"path": name, "status": change["status"], "cells": None}
    old = FileEntry.from_dict(change["old"])
    summary = diff_notebook_sources(
        repo.read_bytes(old, status["head"]), repo.root / name, name=name, include_outputs=False
    )["summary"]
    return {"path": name, "status": "modified", "cells": summary}

"""Merging a branch into the current one: preview, merge (a job), resolve, continue, abort."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_ref
from .base import MlversionHandler, Project


def _keys(body: dict[str, Any]) -> list[str]:
    key = body.get("key") or []
    return [key] if isinstance(key, str) else list(key)


def _progress(project: Project) -> dict[str, Any]:
    state = project.repo.merge_state()
    if state is None:
        return {"in_progress": False, "branch": None, "conflicts": [], "resolved": []}
    return state.to_dict()


class MergeHandler(MlversionHandler):
    """``GET``: the merge in progress; ``POST``: merge a branch into the current one (a job)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish(await self.run(_progress))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("MergeRequest")
        branch = check_ref(body["branch"], "branch")
        keys = _keys(body)

        def work(project: Project, progress: Any) -> dict[str, Any]:
            result = project.repo.merge(
                branch,
                message=body.get("message", ""),
                keys=keys,
                metrics=body.get("metrics"),
                params=body.get("params"),
                progress=progress,
            )
            return result.to_dict()

        await self.start_job("merge", work)


class MergePreviewHandler(MlversionHandler):
    """What a merge would do, computed without touching the working tree."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("MergePreviewRequest")
        branch = check_ref(body["branch"], "branch")
        keys = _keys(body)

        def work(project: Project) -> dict[str, Any]:
            return project.repo.merge_preview(branch, keys=keys)

        self.finish(await self.run(work))


class MergeAbortHandler(MlversionHandler):
    """Undo the merge in progress."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        def work(project: Project) -> dict[str, Any]:
            state = project.repo.merge_abort()
            return {"aborted": True, "branch": state.branch, "head": state.ours}

        self.finish(await self.run(work))


class MergeContinueHandler(MlversionHandler):
    """Snapshot the resolved merge with two parents."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("MergeContinueRequest", optional=True)

        def work(project: Project) -> dict[str, Any]:
            result = project.repo.merge_continue(
                message=body.get("message", ""),
                metrics=body.get("metrics"),
                params=body.get("params"),
            )
            return result.to_dict()

        self.finish(await self.run(work))


class MergeResolveHandler(MlversionHandler):
    """Settle one conflict: ``ours``, ``theirs``, the edited file (null) or ``content``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("MergeResolveRequest")
        side = body.get("side")
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            content = json.dumps(content, indent=1, ensure_ascii=False) + "\n"

        def work(project: Project) -> dict[str, Any]:
            path = project.file(body["path"])
            data = content.encode("utf-8") if content is not None else None
            return project.repo.resolve_conflict(path, side, content=data).to_dict()

        self.finish(await self.run(work))


class MergeNotebookHandler(MlversionHandler):
    """nbdime's ``{"base", "merge_decisions"}`` for a conflicting notebook (its merge view)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        file_arg = self.required("file")

        def work(project: Project) -> dict[str, Any]:
            return project.repo.merge_notebook(project.file(file_arg))

        self.finish(await self.run(work))

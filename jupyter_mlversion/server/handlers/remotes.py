"""Remotes: list with ahead/behind, add, remove; push, pull and fetch as jobs with progress."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from jupyter_mlversion.core.remote.urls import parse_url

from ..paths import resolve_inside
from .base import MlversionHandler, Project


def _status(project: Project) -> dict[str, Any]:
    repo = project.repo
    return {
        "branch": repo.history.current_branch(),
        "remotes": [r.to_dict() for r in repo.remote_status()],
    }


class RemotesHandler(MlversionHandler):
    """``GET``: every remote with ahead/behind of the current branch (as of the last fetch or
    push, no network); ``POST``: add a remote."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish(await self.run(_status))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("RemoteRequest")
        url = body["url"]
        if parse_url(url, self.state.root).protocol == "file":
            # A folder remote added from the browser must lie under the server's root folder
            # (given relative to it); the command line can name any folder.
            url = str(resolve_inside(self.state.root, url.removeprefix("file://"), "url"))

        def work(project: Project) -> dict[str, Any]:
            project.repo.remote_add(body["name"], url)
            return _status(project)

        answer = await self.run(work)
        self.set_status(201)
        self.finish(answer)


class RemoteHandler(MlversionHandler):
    """Forget one remote (nothing on the remote is deleted)."""

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.run(lambda project: project.repo.remote_remove(name))
        self.set_status(204)
        self.finish()


class PushHandler(MlversionHandler):
    """Upload what the remote lacks of a branch, its tags and the registry (a job)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("PushRequest", optional=True)

        def work(project: Project, progress: Any) -> dict[str, Any]:
            repo = project.repo
            done = repo.push(body.get("remote"), body.get("branch"), progress=progress)
            return done.to_dict()

        await self.start_job("push", work)


class PullHandler(MlversionHandler):
    """Fetch, then fast-forward the branch and the working tree, or merge diverged lines (a job)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("PushRequest", optional=True)

        def work(project: Project, progress: Any) -> dict[str, Any]:
            repo = project.repo
            return repo.pull(body.get("remote"), body.get("branch"), progress=progress).to_dict()

        await self.start_job("pull", work)


class FetchHandler(MlversionHandler):
    """Download history and names (and with ``data``, the newest snapshot's data) (a job)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("FetchRequest", optional=True)

        def work(project: Project, progress: Any) -> dict[str, Any]:
            paths = [project.file(p, "paths") for p in body.get("paths", [])]
            data = bool(body.get("data", False)) or bool(paths)
            got = project.repo.fetch(body.get("remote"), data=data, paths=paths, progress=progress)
            return got.to_dict()

        await self.start_job("fetch", work)

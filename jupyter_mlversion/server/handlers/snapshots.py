"""Snapshots: create (as a job), list with paging and a file filter, show one."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_ref
from .base import MlversionHandler, Project


class SnapshotsHandler(MlversionHandler):
    """``GET``: a page of snapshots, newest first; ``POST``: take a snapshot."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        limit = self.int_arg("limit", 50, 1, self.state.config.max_page_size)
        offset = self.int_arg("offset", 0, 0)
        file_arg = self.arg("file")
        query = (self.arg("q") or "").strip()[:200] or None
        branch = self.arg("branch") or None
        if branch is not None and branch != "*":
            check_ref(branch, "branch")

        def work(project: Project) -> dict[str, Any]:
            repo = project.repo
            file = project.file(file_arg) if file_arg else None
            items = repo.log(path=file, query=query, limit=limit, offset=offset, branch=branch)
            heads: dict[str, list[str]] = {}
            for info in repo.branches().branches:
                heads.setdefault(info.head, []).append(info.name)
            return {
                "items": [
                    {**s.to_dict(with_lineage=False), "branches": heads.get(s.id, [])}
                    for s in items
                ],
                "total": repo.count(path=file, query=query, branch=branch),
                "offset": offset,
                "limit": limit,
                "file": file,
                "q": query,
                "branch": branch,
                "current_branch": repo.current_branch(),
            }

        self.finish(await self.run(work))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("SnapshotRequest")
        cfg = self.state.config
        include_notebook = body.get("include_notebook", cfg.include_notebook)
        patterns = list(cfg.track_patterns)
        author = self.author()

        def work(project: Project, progress: Any) -> dict[str, Any]:
            paths = [project.file(p, "paths") for p in body.get("paths", [])]
            notebook = project.notebook if include_notebook else None
            if notebook and not notebook.endswith(".ipynb"):
                paths.append(notebook)  # a data file opened in JupyterLab: just that file
                notebook = None
            result = project.repo.snapshot(
                sorted(set(paths)),
                notebook=notebook,
                message=body.get("message", ""),
                metrics=body.get("metrics"),
                params=body.get("params"),
                tags=body.get("tags", ()),
                allow_empty=body.get("allow_empty", False),
                author=author,
                patterns=patterns,
                progress=progress,
            )
            return result.to_dict()

        await self.start_job("snapshot", work)


class SnapshotHandler(MlversionHandler):
    """One snapshot with its files."""

    @web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        check_ref(ref, "snapshot")
        lineage = self.bool_arg("lineage", True)

        def work(project: Project) -> dict[str, Any]:
            snapshot, files = project.repo.show(ref)
            return {
                "snapshot": snapshot.to_dict(with_lineage=lineage),
                "files": [f.to_dict() for f in files],
            }

        self.finish(await self.run(work))

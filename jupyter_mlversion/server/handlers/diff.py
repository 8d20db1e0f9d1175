"""Diffs between two references: a summary of every file, or one file in detail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from jupyter_mlversion.core.diffs import diff_files
from jupyter_mlversion.core.errors import ReferenceNotFoundError
from jupyter_mlversion.core.model import FileEntry

from .base import MlversionHandler, Project

EMPTY_NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


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
        cfg = self.state.config

        def work(project: Project) -> dict[str, Any]:
            repo = project.repo
            file = project.file(file_arg)
            old_id, new_id = repo.resolve(old), repo.resolve(new)
            before = _entry(repo.show(old_id)[1], file)
            after = _entry(repo.show(new_id)[1], file)
            if before is None and after is None:
                raise ReferenceNotFoundError(
                    f"{file} is in neither {old} nor {new}; list a snapshot's files with "
                    f"'mlversion show {new}'"
                )
            some = after or before
            assert some is not None
            answer: dict[str, Any] = {
                "path": file,
                "kind": some.kind,
                "status": _status(before, after),
                "old": old_id,
                "new": new_id,
                "old_entry": before.to_dict() if before else None,
                "new_entry": after.to_dict() if after else None,
                "detail": None,
                "note": None,
            }
            if before and after and before.id == after.id:
                answer["note"] = "unchanged"
                return answer
            largest = max(e.size for e in (before, after) if e is not None)
            if largest > cfg.max_diff_bytes:
                answer["note"] = (
                    f"{file} is larger than MlversionServer.max_diff_bytes "
                    f"({cfg.max_diff_bytes} bytes); only sizes and ids are compared"
                )
                return answer
            if (before is None or after is None) and some.kind != "notebook":
                answer["note"] = f"{file} was {answer['status']}: nothing to compare it with"
                return answer

            def source(entry: FileEntry | None, snapshot: str) -> Iterable[bytes]:
                # Only a notebook reaches here with a missing side: diff it against an empty one.
                if entry is None:
                    return [EMPTY_NOTEBOOK]
                return repo.read_bytes(entry, snapshot)

            answer["detail"] = diff_files(
                some.kind,
                source(before, old_id),
                source(after, new_id),
                file,
                include_outputs=outputs,
                keys=keys,
            )
            return answer

        self.finish(await self.run(work))


def _entry(files: list[FileEntry], path: str) -> FileEntry | None:
    return next((f for f in files if f.path == path), None)


def _status(before: FileEntry | None, after: FileEntry | None) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "unchanged" if before.id == after.id else "modified"

"""Tags of snapshots, versions of files and aliases of versions."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_name, check_ref
from .base import MlversionHandler, Project


class TagsHandler(MlversionHandler):
    """``GET``: every tag; ``POST``: tag a snapshot."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish(await self.run(lambda project: {"tags": project.repo.tags()}))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("TagRequest")
        name = check_name(body["name"], "tag")
        ref = check_ref(body.get("ref", "HEAD"), "ref")

        def work(project: Project) -> dict[str, Any]:
            project.repo.tag(name, ref, message=body.get("message", ""))
            return {"tags": project.repo.tags()}

        answer = await self.run(work)
        self.set_status(201)
        self.finish(answer)


class TagHandler(MlversionHandler):
    """Delete one tag."""

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        check_name(name, "tag")
        await self.run(lambda project: project.repo.delete_tag(name))
        self.set_status(204)
        self.finish()


class VersionsHandler(MlversionHandler):
    """The versions ``v0, v1, ...`` a file had."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        file_arg = self.required("file")

        def work(project: Project) -> dict[str, Any]:
            file = project.file(file_arg)
            return {"path": file, "versions": [v.to_dict() for v in project.repo.versions(file)]}

        self.finish(await self.run(work))


class AliasesHandler(MlversionHandler):
    """``GET``: aliases and their moves; ``PUT``: move an alias; ``DELETE``: remove one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        file_arg = self.arg("file")

        def work(project: Project) -> dict[str, Any]:
            file = project.file(file_arg) if file_arg else None
            return {
                "aliases": project.repo.aliases(file),
                "follows": project.repo.alias_follows(file),
                "history": [e.to_dict() for e in project.repo.alias_history(file)],
            }

        self.finish(await self.run(work))

    @web.authenticated
    @authorized
    async def put(self) -> None:
        body = self.body("AliasRequest")
        name = check_name(body["name"], "alias")

        def work(project: Project) -> dict[str, Any]:
            file = project.file(body["file"])
            repo, message = project.repo, body.get("message", "")
            if body.get("unfollow"):
                repo.unfollow_alias(file, name)
            if body.get("follow"):
                version = repo.follow_alias(
                    file, name, body["follow"], body.get("version"), message=message
                )
            elif body.get("unfollow") and body.get("version") is None:
                version = repo.resolve_artifact(f"{file}@{name}")
            else:
                version = repo.set_alias(file, name, body.get("version"), message=message)
            return version.to_dict()

        self.finish(await self.run(work))

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        file_arg = self.required("file")
        name = self.name_arg("name")

        def work(project: Project) -> None:
            project.repo.remove_alias(project.file(file_arg), name)

        await self.run(work)
        self.set_status(204)
        self.finish()

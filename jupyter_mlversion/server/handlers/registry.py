"""The model registry: registered models, their versions and stages, and its history."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..paths import check_name, check_ref
from .base import MlversionHandler, Project


class ModelsHandler(MlversionHandler):
    """``GET``: registered models; ``POST``: register an artifact version as a model version."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        def work(project: Project) -> dict[str, Any]:
            return {"models": [m.to_dict() for m in project.repo.registered_models()]}

        self.finish(await self.run(work))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body("RegisterModelRequest")
        name = check_name(body["name"], "model name")
        ref = check_ref(body["ref"], "ref")

        def work(project: Project) -> dict[str, Any]:
            version = project.repo.register_model(
                name, ref, description=body.get("description", "")
            )
            return version.to_dict()

        answer = await self.run(work)
        self.set_status(201)
        self.finish(answer)


class ModelStageHandler(MlversionHandler):
    """Move one model version to a stage (none, staging, production, archived)."""

    @web.authenticated
    @authorized
    async def put(self, name: str, number: str) -> None:
        check_name(name, "model name")
        body = self.body("StageRequest")
        version = int(number)  # the route only matches digits

        def work(project: Project) -> dict[str, Any]:
            moved = project.repo.promote_model(
                name, version, body["stage"], reason=body.get("reason", "")
            )
            return moved.to_dict()

        self.finish(await self.run(work))


class RegistryHistoryHandler(MlversionHandler):
    """Every recorded registry change (optionally of one model), newest first."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        raw = self.arg("name")
        name = check_name(raw, "model name") if raw else None

        def work(project: Project) -> dict[str, Any]:
            return {"events": [e.to_dict() for e in project.repo.registry_history(name)]}

        self.finish(await self.run(work))

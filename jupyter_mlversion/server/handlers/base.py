"""The base handler: authentication resource, error map, argument parsing, engine calls."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler

from jupyter_mlversion.core.errors import MlversionError, NotAProjectError, ReferenceNotFoundError
from jupyter_mlversion.core.identity import acting_as, hub_author
from jupyter_mlversion.core.repository import Repository

from ..errors import PayloadTooLargeError, RequestError, error_body
from ..jobs import Job
from ..openapi import validate_body
from ..paths import check_name, check_ref, resolve_inside
from ..state import SETTINGS_KEY, ExtensionState

T = TypeVar("T")
log = logging.getLogger(__name__)

#: The resource every route is authorized against (jupyter_server's ``@authorized``).
AUTH_RESOURCE = "mlversion"


class Project:
    """A located project: the open engine, the notebook that located it, the server root."""

    def __init__(self, repo: Repository, notebook: str | None, server_root: Path) -> None:
        self.repo = repo
        self.notebook = notebook  # project-relative, when ?path= named a file
        self.server_root = server_root

    @property
    def root_relative(self) -> str:
        """The project root relative to the server root (``.`` when they are the same)."""
        return self.repo.root.resolve().relative_to(self.server_root).as_posix() or "."

    def file(self, value: str, what: str = "file") -> str:
        """A project-relative path from a request, refused when it escapes the project."""
        return self.repo.relpath(resolve_inside(self.repo.root, value, what))


def open_project(root: Path, target: Path, store_path: str = "") -> Project:
    """Open the project holding ``target``; it must itself lie inside the server ``root``."""
    repo = Repository.open(target, store_path=store_path or None)
    repo_root = repo.root.resolve()
    if repo_root != root and not repo_root.is_relative_to(root):
        # Walking up may find a project above the served folder: treat it as absent.
        raise NotAProjectError(
            f"no project holds {target.relative_to(root).as_posix() or '.'} inside the "
            "server's root folder"
        )
    notebook = repo.relpath(target) if target.is_file() else None
    return Project(repo, notebook, root)


def _with_project(
    work: Callable[[Project], T], project: Project, author: tuple[str, str] | None = None
) -> T:
    """Run ``work`` as ``author`` and close the project's engine handles (index, packs, git)."""
    try:
        with acting_as(author):
            return work(project)
    finally:
        project.repo.close()


class MlversionHandler(APIHandler):
    """Base of every handler of the extension."""

    auth_resource = AUTH_RESOURCE

    @property
    def state(self) -> ExtensionState:
        state: ExtensionState = self.settings[SETTINGS_KEY]
        return state

    def author(self) -> tuple[str, str] | None:
        """The signed-in Jupyter user as a snapshot author (None: the engine's default).

        Behind JupyterHub this is the hub user who sent the request, also in a server another
        user shared with them: their name and email as the hub's authenticator gave them.
        """
        user = self.current_user
        username = getattr(user, "username", None)
        hub_user = getattr(user, "hub_user", None)
        if username and isinstance(hub_user, dict):
            return hub_author(str(username), hub_user.get("user_info"))
        name = getattr(user, "display_name", None) or getattr(user, "name", None) or username
        # A shared token gives every request a made-up "Anonymous <moon>" user: that names
        # nobody, so the engine's default (JupyterHub user, git config, OS user) is better.
        if not username or not name or str(name).startswith("Anonymous "):
            return None
        return str(name), f"{username}@jupyter"

    # -- errors ------------------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer every error with ``{"status", "error", "message"}`` and the mapped status."""
        exc_info = kwargs.get("exc_info")
        if exc_info and exc_info[1] is not None:
            status, body = error_body(exc_info[1], self.state.root)
        else:
            status = status_code
            body = {"status": status, "error": "HTTPError", "message": self._reason}
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # A user's mistake is not a server failure: no traceback in the log for typed errors.
        if isinstance(value, MlversionError) and getattr(value, "http_status", 400) < 500:
            log.info("%s %s: %s", self.request.method, self.request.path, value)
            return
        super().log_exception(typ, value, tb)

    # -- arguments ---------------------------------------------------------
    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.get_query_argument(name, default)

    def required(self, name: str) -> str:
        value = self.get_query_argument(name, None)
        if value is None or value == "":
            raise RequestError(f"missing query parameter '{name}'")
        return value

    def int_arg(self, name: str, default: int, low: int, high: int | None = None) -> int:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise RequestError(
                f"query parameter '{name}' must be an integer, not {raw!r}"
            ) from None
        if value < low or (high is not None and value > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise RequestError(f"query parameter '{name}' must be in {bound}, not {value}")
        return value

    def bool_arg(self, name: str, default: bool) -> bool:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise RequestError(f"query parameter '{name}' must be true or false, not {raw!r}")

    def float_arg(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            raise RequestError(f"query parameter '{name}' must be a number, not {raw!r}") from None
        if not low <= value <= high:  # also refuses NaN
            raise RequestError(f"query parameter '{name}' must be in {low}..{high}, not {raw}")
        return value

    def ref_arg(self, name: str, default: str) -> str:
        return check_ref(self.arg(name, default) or default, name)

    def name_arg(self, name: str) -> str:
        return check_name(self.required(name), name)

    def body(self, schema: str, *, optional: bool = False) -> dict[str, Any]:
        """The JSON body, validated against ``components/schemas/<schema>``."""
        raw = self.request.body or b""
        if len(raw) > self.state.config.max_request_bytes:
            raise PayloadTooLargeError(
                f"request body of {len(raw)} bytes exceeds MlversionServer.max_request_bytes "
                f"({self.state.config.max_request_bytes})"
            )
        if not raw.strip():
            if optional:
                return {}
            raise RequestError(f"this request needs a JSON body ({schema})")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise RequestError(f"request body is not valid JSON: {exc}") from None
        return validate_body(schema, data)

    # -- the engine ------------------------------------------------------------
    def locator(self) -> Path:
        """The absolute path named by ``?path=``, checked to lie inside the server root."""
        target = resolve_inside(self.state.root, self.required("path"), "path")
        try:
            found = target.exists()
        except OSError:
            found = False
        if not found:
            raise ReferenceNotFoundError(
                f"no file or folder {self.required('path')!r} under the server's root folder"
            )
        return target

    async def run(self, work: Callable[[Project], T]) -> T:
        """Locate the project and run ``work`` on it in the read pool, off the event loop."""
        target = self.locator()
        loop = asyncio.get_running_loop()
        root, store = self.state.root, self.state.config.store_path
        author = self.author()
        return await loop.run_in_executor(
            self.state.reads, lambda: _with_project(work, open_project(root, target, store), author)
        )

    async def start_job(self, kind: str, work: Callable[[Project, Any], dict[str, Any]]) -> None:
        """Run ``work(project, progress)`` as a job; 200 when done within ?wait=, else 202."""
        target = self.locator()
        # Locate the project before queueing so an unknown project fails the request itself.
        loop = asyncio.get_running_loop()
        root, store = self.state.root, self.state.config.store_path
        wait = self.float_arg("wait", 0.0, 0.0, 600.0)
        project = await loop.run_in_executor(self.state.reads, open_project, root, target, store)
        author = self.author()
        # The job re-opens the project in its own thread: engine handles are not shared.
        job = self.state.jobs.start(
            kind,
            project.root_relative,
            lambda progress: _with_project(
                lambda project: work(project, progress), open_project(root, target, store), author
            ),
        )
        cfg = self.state.config
        await self.state.jobs.wait(job, min(wait, cfg.max_wait_seconds))
        self.finish_job(job)

    def finish_job(self, job: Job) -> None:
        if not job.over:
            self.set_status(202)
            self.set_header("Location", f"{self.state.api_url}/jobs/{job.id}")
        elif job.error:
            self.set_status(int(job.error.get("status", 500)))
        self.finish(json.dumps(job.to_dict()))

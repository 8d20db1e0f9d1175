"""Per-kernel state: the project, the notebook, per-cell capture and its journal."""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import NotAProjectError, PathOutsideProjectError
from ..core.identity import environment
from ..core.repository import Repository
from ..core.results import SnapshotResult, Status
from . import capture, readers
from .frontend import SaveChannel
from .journal import Journal
from .scope import Scope

SAVE_TIMEOUT = float(os.environ.get("MLVERSION_SAVE_TIMEOUT", "2"))


@dataclass
class CommitOutcome:
    """A snapshot result plus what the kernel adds: save note, warnings, suggestion."""

    result: SnapshotResult
    notebook: str | None
    saved_by_frontend: bool
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggested_message: str | None = None


class KernelSession:
    """Everything the magic, the API and the widget share inside one kernel."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.notebook_override: str | None = None  # set for the length of one command
        self.current_cell_id: str | None = None
        self.repo: Repository | None = None
        self.recorder: capture.Recorder | None = None
        self.journal: Journal | None = None
        self.frontend = SaveChannel(shell)
        capture.install_hook()
        readers.install()
        self.attach()

    # -- project -----------------------------------------------------------
    def attach(self) -> None:
        """Find the project of the notebook (or the working folder) and start capture."""
        notebook = self.notebook_path()
        start = os.path.dirname(notebook) if notebook else os.getcwd()
        root = Repository.find_root(start)
        if root is None:
            self.repo = self.recorder = self.journal = None
            capture.set_current(None)
            return
        self.repo = Repository.open(root)
        self.recorder = capture.Recorder(Scope(root))
        self.journal = Journal(root, _kernel_name(), self._environment)
        capture.set_current(self.recorder)

    def require_repo(self) -> Repository:
        if self.repo is None:
            self.attach()
        if self.repo is None:
            raise NotAProjectError(
                f"no .mlversion project in {os.getcwd()} or its parents; "
                "run '%mlversion init' (or 'mlversion init') in the project folder"
            )
        return self.repo

    def close(self) -> None:
        capture.set_current(None)
        readers.uninstall()
        self.frontend.close()

    # -- notebook ----------------------------------------------------------
    def api_path(self) -> str | None:
        """The notebook as the server names it (``JPY_SESSION_NAME``), if known."""
        return self.notebook_override or os.environ.get("JPY_SESSION_NAME") or None

    def notebook_path(self) -> str | None:
        """Absolute path of this kernel's notebook, or None when nothing says which."""
        candidates: list[str] = []
        if self.notebook_override:
            candidates.append(self.notebook_override)
        session = os.environ.get("JPY_SESSION_NAME")
        if session:
            # Absolute when the server knew the folder; else relative to the server root,
            # and the kernel runs in the notebook's folder.
            candidates += [session, os.path.basename(session)]
        vscode = self.shell.user_ns.get("__vsc_ipynb_file__")
        if isinstance(vscode, str):
            candidates.append(vscode)
        for candidate in candidates:
            full = os.path.abspath(candidate)
            if os.path.isfile(full):
                return full
        return None

    def notebook_rel(self) -> str | None:
        path = self.notebook_path()
        if path is None or self.repo is None:
            return None
        try:
            return self.repo.relpath(path)
        except PathOutsideProjectError:
            return None

    # -- per-cell hooks ----------------------------------------------------
    def pre_run_cell(self, info: Any) -> None:
        self.current_cell_id = getattr(info, "cell_id", None)
        if self.recorder is not None:
            self.recorder.start()

    def post_run_cell(self, result: Any) -> None:
        recorder, journal = self.recorder, self.journal
        if recorder is None or journal is None or not recorder.active:
            return
        info = result.info
        record = recorder.finish(
            cell_id=getattr(info, "cell_id", None),
            execution_count=result.execution_count,
            source=info.raw_cell or "",
        )
        journal.append(record, self.notebook_rel())

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The engine's own reads and writes are not the cell's."""
        recorder = self.recorder
        was = recorder.active if recorder else False
        if recorder:
            recorder.active = False
        try:
            yield
        finally:
            if recorder:
                recorder.active = was

    @contextlib.contextmanager
    def using_notebook(self, notebook: str | None) -> Iterator[None]:
        """Take ``notebook`` as this kernel's notebook for one command only."""
        if notebook is None:
            yield
            return
        before = self.notebook_override
        self.notebook_override = os.path.abspath(notebook)
        try:
            yield
        finally:
            self.notebook_override = before

    # -- values and commit -------------------------------------------------
    def log_value(self, kind: str, name: str, value: Any) -> None:
        """Journal a metric or param for the notebook's next snapshot, from any surface."""
        self.require_repo()
        assert self.journal is not None
        self.journal.log_value(kind, name, value, self.notebook_rel())

    def status(self, paths: Sequence[str] = ()) -> Status:
        """What ``commit`` would record now: this notebook's scope, as every surface sees it."""
        repo = self.require_repo()
        assert self.journal is not None
        with self.paused():
            return repo.status(list(paths), notebook=self.notebook_rel(), kernel=self.journal.name)

    def commit(
        self,
        message: str = "",
        *,
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        tags: Sequence[str] = (),
        aliases: Sequence[tuple[str, str]] = (),
        paths: Sequence[str] = (),
    ) -> CommitOutcome:
        """Save the notebook through the frontend, then snapshot it as every surface does."""
        repo = self.require_repo()
        assert self.journal is not None
        with self.paused():
            notebook = self.notebook_path()
            saved = self.frontend.save(notebook, self.api_path(), SAVE_TIMEOUT)
            nb_rel = self.notebook_rel()
            result = repo.snapshot(
                list(paths),
                notebook=nb_rel,
                kernel=self.journal.name,
                message=message,
                metrics=metrics,
                params=params,
                tags=tags,
            )
            outcome = CommitOutcome(result, nb_rel, saved.saved, notes=[saved.note])
            if notebook is None:
                outcome.notes[0] = (
                    "no notebook in this snapshot: the kernel does not know its notebook; "
                    "pass --notebook PATH"
                )
            outcome.warnings.extend(result.warnings)
            outcome.suggested_message = result.suggested_message
            for path, name in aliases:
                version = repo.set_alias(path, name, message=message)
                outcome.notes.append(f"{version.path}@{name} -> {version.label}")
        return outcome

    def save_notebook(self) -> bool:
        """Ask the frontend to save this kernel's notebook (as commit does); True once saved."""
        return self.frontend.save(self.notebook_path(), self.api_path(), SAVE_TIMEOUT).saved

    def _environment(self) -> dict[str, Any]:
        return {**environment(), "kernel": self._kernel_info()}

    def _kernel_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"shell": type(self.shell).__name__}
        try:
            import IPython

            info["ipython"] = IPython.__version__
        except ImportError:
            pass
        kernel = getattr(self.shell, "kernel", None)
        if kernel is not None:
            info["implementation"] = getattr(kernel, "implementation", None)
            info["implementation_version"] = getattr(kernel, "implementation_version", None)
            info["name"] = os.environ.get("JPY_KERNEL_NAME") or "python3"
        return info


def _kernel_name() -> str:
    """The journal's name: the kernel id from the connection file, else the process id."""
    try:
        from ipykernel.connect import get_connection_file

        stem = Path(get_connection_file()).stem
        return f"{stem.removeprefix('kernel-')}-{os.getpid()}"
    except Exception:
        return f"pid-{os.getpid()}"

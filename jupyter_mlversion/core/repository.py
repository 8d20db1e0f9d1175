"""The one facade every surface (CLI, magic, widgets, REST) calls.

``Repository.open(path)`` finds the project by walking up from ``path``;
``Repository.init(path)`` creates one. Methods raise the typed errors of
:mod:`jupyter_mlversion.core.errors`; they never print or prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .model import ArtifactVersion, CellIO, FileEntry, Snapshot, Stage
from .results import (
    AliasEvent,
    Diff,
    GcReport,
    ModelVersion,
    RegisteredModel,
    RegistryEvent,
    RestoreResult,
    SnapshotResult,
    Status,
    VerifyReport,
)

#: ``progress(done, total, label)``; total may be 0 when unknown.
Progress = Callable[[int, int, str], None]


class Repository:
    """A project: a folder holding ``.mlversion/``."""

    root: Path

    # -- opening ---------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path) -> Repository:
        """Create a project in ``path``; ProjectExistsError if one is there."""
        raise NotImplementedError

    @classmethod
    def open(cls, path: str | Path = ".") -> Repository:
        """Open the project holding ``path`` (walking up); NotAProjectError if none."""
        raise NotImplementedError

    @classmethod
    def find_root(cls, path: str | Path) -> Path | None:
        """The project root holding ``path``, or None."""
        raise NotImplementedError

    def relpath(self, path: str | Path) -> str:
        """Project-relative POSIX path; PathOutsideProjectError when it escapes."""
        raise NotImplementedError

    # -- snapshots -------------------------------------------------------
    def track(self, paths: Iterable[str | Path]) -> list[str]:
        """Add paths (files or folders) to the tracked set used by the next snapshot."""
        raise NotImplementedError

    def untrack(self, paths: Iterable[str | Path]) -> list[str]:
        raise NotImplementedError

    def status(self, *, progress: Progress | None = None) -> Status:
        raise NotImplementedError

    def snapshot(
        self,
        paths: Iterable[str | Path] = (),
        *,
        message: str = "",
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        tags: Sequence[str] = (),
        environment: Mapping[str, Any] | None = None,
        lineage: Sequence[CellIO] = (),
        author: tuple[str, str] | None = None,
        allow_empty: bool = False,
        progress: Progress | None = None,
    ) -> SnapshotResult:
        """Snapshot the tracked set plus ``paths``; no commit when nothing changed."""
        raise NotImplementedError

    def log(
        self, *, path: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Snapshot]:
        """Snapshots newest first, optionally only those that changed ``path``."""
        raise NotImplementedError

    def count(self, *, path: str | None = None) -> int:
        raise NotImplementedError

    def show(self, ref: str = "HEAD") -> tuple[Snapshot, list[FileEntry]]:
        raise NotImplementedError

    def resolve(self, ref: str) -> str:
        """Snapshot id a reference names (``HEAD~2``, tag, prefix, ``PATH@v3``...)."""
        raise NotImplementedError

    def resolve_artifact(self, ref: str) -> ArtifactVersion:
        """The artifact version ``PATH@vN`` / ``PATH@alias`` / ``PATH@snapshot`` names."""
        raise NotImplementedError

    def read_bytes(self, entry: FileEntry, snapshot: str) -> Iterable[bytes]:
        """Stream a stored file's bytes (verified)."""
        raise NotImplementedError

    # -- diff and restore ------------------------------------------------
    def diff(self, old: str = "HEAD~1", new: str = "HEAD") -> Diff:
        raise NotImplementedError

    def restore(
        self,
        paths: Iterable[str | Path] = (),
        *,
        to: str = "HEAD",
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore ``paths`` (all tracked files when empty) to their state at ``to``."""
        raise NotImplementedError

    def checkout(self, ref: str, *, dry_run: bool = False, progress: Progress | None = None) -> RestoreResult:
        """Make the working tree match snapshot ``ref`` (files it lacks are deleted)."""
        raise NotImplementedError

    def cell_inputs(self, cell_id: str, *, notebook: str | None = None) -> list[dict[str, Any]]:
        """For each snapshot that ran ``cell_id``: the files it read with their versions."""
        raise NotImplementedError

    def restore_cell_inputs(
        self, cell_id: str, *, to: str, notebook: str | None = None, dry_run: bool = False
    ) -> RestoreResult:
        """Restore the files cell ``cell_id`` read to the versions it read at ``to``."""
        raise NotImplementedError

    # -- names -----------------------------------------------------------
    def tag(self, name: str, ref: str = "HEAD", *, message: str = "") -> str:
        raise NotImplementedError

    def tags(self) -> dict[str, str]:
        raise NotImplementedError

    def delete_tag(self, name: str) -> None:
        raise NotImplementedError

    def versions(self, path: str) -> list[ArtifactVersion]:
        raise NotImplementedError

    def set_alias(self, path: str, name: str, version: str | int | None = None, *, message: str = "") -> ArtifactVersion:
        raise NotImplementedError

    def remove_alias(self, path: str, name: str) -> None:
        raise NotImplementedError

    def aliases(self, path: str | None = None) -> dict[str, dict[str, int]]:
        """``{path: {alias: version}}``."""
        raise NotImplementedError

    def alias_history(self, path: str | None = None) -> list[AliasEvent]:
        raise NotImplementedError

    # -- model registry --------------------------------------------------
    def register_model(self, name: str, ref: str, *, description: str = "") -> ModelVersion:
        raise NotImplementedError

    def promote_model(self, name: str, version: int, stage: Stage, *, reason: str = "") -> ModelVersion:
        raise NotImplementedError

    def registered_models(self) -> list[RegisteredModel]:
        raise NotImplementedError

    def registry_history(self, name: str | None = None) -> list[RegistryEvent]:
        raise NotImplementedError

    # -- maintenance -----------------------------------------------------
    def verify(self, *, progress: Progress | None = None) -> VerifyReport:
        raise NotImplementedError

    def gc(self, *, dry_run: bool = True, progress: Progress | None = None) -> GcReport:
        raise NotImplementedError

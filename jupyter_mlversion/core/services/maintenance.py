"""Checking and cleaning the store: ``verify`` and ``gc``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from ..errors import ConfigError, MlversionError
from ..history_git import GitFailed
from ..parts import Parts
from ..progress import Progress
from ..results import GcReport, VerifyReport
from ..tempfiles import temps_in
from ..worktree import scan
from .read import Reader


class Maintenance:
    """Integrity checks and garbage collection of the object store."""

    def __init__(self, parts: Parts, reader: Reader, *, sync_index: Callable[[], None]) -> None:
        self._parts = parts
        self._reader = reader
        self._sync = sync_index

    def verify(self, *, progress: Progress | None = None) -> VerifyReport:
        """Rehash every object; list corrupt ones and files snapshots need but the store lacks.

        Also checks ``history.git`` (every commit, tree and blob reachable from every ref) and
        names the snapshots a damaged git object affects.
        """
        # A damaged history may stop the index update: what the index holds is checked, and
        # the history check below names the damage.
        with contextlib.suppress(GitFailed, MlversionError):
            self._sync()

        def step(done: int, total: int) -> None:
            if progress:
                progress(done, total, "verifying objects")

        store, index = self._parts.store, self._parts.index
        checked, corrupt = store.verify(progress=step)
        if progress and not checked:
            progress(0, 0, "verifying objects")  # an empty store: done == total all the same
        missing = [oid for oid in sorted(index.all_ids()) if not store.has(oid)]
        if missing:
            missing = self._name_missing(missing) or missing
        snapshots = [row.id for row in index.snapshots()]
        history = self._parts.history.check(snapshots)
        project = self._project_files()
        return VerifyReport(checked, tuple(corrupt), tuple(missing), tuple(history), tuple(project))

    def _project_files(self) -> list[str]:
        """The project's own files that are damaged (or were, and have been rebuilt)."""
        found = []
        try:
            self._parts.tracked_specs()
        except ConfigError as exc:
            found.append(str(exc))
        if self._parts.index.repaired:
            found.append(f"{self._parts.index.repaired}; it was rebuilt from history")
        return found

    def _name_missing(self, missing: list[str]) -> list[str]:
        """``path@snapshot: id`` for the files and snapshots that need each missing object."""
        named = []
        for snap in self._parts.index.snapshots():
            try:
                files = self._reader.files_at(snap.id)
            except (GitFailed, MlversionError):
                continue  # a damaged snapshot: the history check names it
            for path, entry in files.items():
                if entry.id in missing and entry.kind != "notebook":
                    named.append(f"{path}@{snap.id[:10]}: {entry.id}")
            if len(named) >= len(missing):
                break
        return named

    def gc(self, *, dry_run: bool = True, progress: Progress | None = None) -> GcReport:
        """Remove objects no snapshot reaches (report only with ``dry_run``)."""
        with self._parts.lock("garbage collection"):
            self._sync()
            keep = set(self._parts.index.all_ids())
            # The registry only links versions that snapshots hold, so history alone decides.
            count, size = self._parts.store.gc(keep, dry_run=dry_run)
            temps = 0 if dry_run else self._sweep_tree()
            if progress:
                progress(count, count, "gc")
            return GcReport(count, size, dry_run, temps)

    def _sweep_tree(self) -> int:
        """Remove killed writers' temp files below tracked folders and beside tracked files."""
        parts = self._parts
        root = parts.root
        found = scan(root, parts.tracked_specs(), parts.ignore)
        paths = [root / rel for rel in found.temps]
        for folder in {(root / rel).parent for rel in parts.index.head_files()}:
            paths += temps_in(folder)
        return len(parts.sweep_temps(paths))

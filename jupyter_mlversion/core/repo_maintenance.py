"""Checking and cleaning the store: ``verify`` and ``gc``."""

# The mixins annotate ``self`` as the Repository they are mixed into, so that each
# body is checked against the whole facade; mypy flags that pattern itself ("misc").
# mypy: disable-error-code="misc"

from __future__ import annotations

from typing import TYPE_CHECKING

from .progress import Progress
from .results import GcReport, VerifyReport

if TYPE_CHECKING:
    from .repository import Repository


class MaintenanceMixin:
    """Integrity checks and garbage collection."""

    def verify(self: Repository, *, progress: Progress | None = None) -> VerifyReport:
        """Rehash every object; list corrupt ones and files snapshots need but the store lacks."""
        self.sync_index()

        def step(done: int, total: int) -> None:
            if progress:
                progress(done, total, "verifying objects")

        checked, corrupt = self.store.verify(progress=step)
        if progress and not checked:
            progress(0, 0, "verifying objects")  # an empty store: done == total all the same
        missing = []
        needed = self.index.all_ids()
        for oid in sorted(needed):
            if not self.store.has(oid):
                missing.append(oid)
        if missing:
            # Name the files and snapshots that need each missing object.
            named = []
            for snap in self.index.snapshots():
                for path, entry in self.files_at(snap.id).items():
                    if entry.id in missing and entry.kind != "notebook":
                        named.append(f"{path}@{snap.id[:10]}: {entry.id}")
                if len(named) >= len(missing):
                    break
            missing = named or missing
        return VerifyReport(checked, tuple(corrupt), tuple(missing))

    def gc(self: Repository, *, dry_run: bool = True, progress: Progress | None = None) -> GcReport:
        """Remove objects no snapshot reaches (report only with ``dry_run``)."""
        with self.lock("garbage collection"):
            self.sync_index()
            keep = set(self.index.all_ids())
            # The registry only links versions that snapshots hold, so history alone decides.
            count, size = self.store.gc(keep, dry_run=dry_run)
            if progress:
                progress(count, count, "gc")
            return GcReport(count, size, dry_run)

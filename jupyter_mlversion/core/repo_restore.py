"""Restoring files, whole snapshots and a cell's data inputs, never losing current work."""

# The mixins annotate ``self`` as the Repository they are mixed into, so that each
# body is checked against the whole facade; mypy flags that pattern itself ("misc").
# mypy: disable-error-code="misc"

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MlversionError, NothingToRestoreError, ReferenceNotFoundError
from .model import FileEntry
from .paths import validate_relative
from .progress import Meter, Progress
from .refs import split_artifact_ref
from .results import RestoreItem, RestoreResult
from .worktree import current_ids, stat_key

if TYPE_CHECKING:
    from .repository import Repository


class RestoreMixin:
    """``restore``, ``checkout`` and rolling back a cell's inputs."""

    def restore(
        self: Repository,
        paths: Iterable[str | Path] = (),
        *,
        to: str = "HEAD",
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore ``paths`` (all files of the snapshot when empty) to their state at ``to``."""
        rels = [self.relpath(p) for p in paths]
        if split_artifact_ref(to) is not None:
            version = self.resolve_artifact(to)
            if rels and rels != [version.path]:
                raise MlversionError(
                    f"'{to}' names a version of {version.path}; restore that path alone, "
                    "or give a snapshot reference to restore other paths"
                )
            entry = FileEntry(version.path, version.id, version.size, version.kind)
            return self._apply({entry.path: entry}, version.snapshot, (), dry_run, progress, to)
        sha = self.resolve(to)
        files = self.files_at(sha)
        targets = _select(files, rels, sha) if rels else files
        return self._apply(targets, sha, (), dry_run, progress, to)

    def checkout(
        self: Repository, ref: str, *, dry_run: bool = False, progress: Progress | None = None
    ) -> RestoreResult:
        """Make the tracked files match snapshot ``ref``: files it lacks are deleted."""
        sha = self.resolve(ref)
        files = self.files_at(sha)
        _, head_files = self.head_state()
        extra = [p for p in head_files if p not in files and (self.root / p).exists()]
        return self._apply(files, sha, extra, dry_run, progress, ref)

    def cell_inputs(
        self: Repository, cell_id: str, *, notebook: str | None = None
    ) -> list[dict[str, Any]]:
        """For each snapshot that recorded ``cell_id``: what it read and wrote, with versions."""
        self.sync_index()
        nb = None if notebook is None else self.relpath(notebook)
        groups: dict[str, dict[str, Any]] = {}
        for row in self.index.lineage_of(cell_id, nb):
            group = groups.setdefault(
                row["snapshot"],
                {
                    "snapshot": row["snapshot"],
                    "time": row["time"],
                    "message": row["message"],
                    "notebook": row["notebook"],
                    "execution_count": row["execution_count"],
                    "reads": [],
                    "writes": [],
                },
            )
            role = "reads" if row["role"] == "reads" else "writes"
            group[role].append(
                {
                    "path": row["path"],
                    "id": row["id"],
                    "version": self.version_of(row["path"], row["id"]),
                    "changed_since": row["changed_since"],
                }
            )
        return list(groups.values())

    def restore_cell_inputs(
        self: Repository,
        cell_id: str,
        *,
        to: str,
        notebook: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore the files cell ``cell_id`` read to the versions it read at snapshot ``to``."""
        sha = self.resolve(to)
        target_seq = _seq(self, sha)
        history = self.cell_inputs(cell_id, notebook=notebook)
        if not history:
            raise NothingToRestoreError(
                f"no snapshot records cell '{cell_id}'; run the cell, then snapshot, "
                "so its inputs are known"
            )
        chosen = next((g for g in history if _seq(self, g["snapshot"]) <= target_seq), None)
        if chosen is None:
            raise NothingToRestoreError(
                f"cell '{cell_id}' had not run by snapshot {sha[:10]}; "
                "'mlversion inputs' shows the snapshots that recorded it"
            )
        targets: dict[str, FileEntry] = {}
        for read in chosen["reads"]:
            if read["id"] is None:
                continue
            entry = _entry_for(self, read["path"], read["id"])
            if entry is not None:
                targets[entry.path] = entry
        if not targets:
            raise NothingToRestoreError(
                f"cell '{cell_id}' read no versioned file at snapshot {chosen['snapshot'][:10]}"
            )
        return self._apply(targets, chosen["snapshot"], (), dry_run, progress, f"cell {cell_id}")

    # -- the one place files are written ---------------------------------
    def _apply(
        self: Repository,
        targets: Mapping[str, FileEntry],
        source: str,
        deletions: Iterable[str],
        dry_run: bool,
        progress: Progress | None,
        label: str,
    ) -> RestoreResult:
        deletions = list(deletions)
        with self.lock("a restore"):
            stats = {}
            for rel in [*targets, *deletions]:
                validate_relative(rel)
                # Resolves symlinks: a folder replaced by a link leading outside is refused.
                self.relpath(self.root / rel)
                try:
                    stats[rel] = (self.root / rel).stat()
                except FileNotFoundError:
                    continue
            current = current_ids(self.root, stats, self.index)
            items = [
                RestoreItem(
                    rel,
                    "unchanged" if current.get(rel) == entry.id else "write",
                    current.get(rel),
                    entry.id,
                    entry.size,
                )
                for rel, entry in sorted(targets.items())
            ]
            items += [RestoreItem(rel, "delete", current.get(rel), None, 0) for rel in deletions]
            changed = [i for i in items if i.action != "unchanged"]
            if dry_run or not changed:
                return RestoreResult(source, tuple(items), dry_run)
            safety = self._keep_unsaved(changed, label)
            meter = Meter(progress, sum(i.size for i in changed))
            written = []
            for item in changed:
                dest = self.root / item.path
                if item.action == "delete":
                    dest.unlink(missing_ok=True)
                    continue
                entry = targets[item.path]
                dest.parent.mkdir(parents=True, exist_ok=True)
                if entry.kind == "notebook":
                    _write_atomic(dest, b"".join(self.read_bytes(entry, source)))
                else:
                    self.store.restore_to(entry.id, dest, progress=meter.file(item.path))
                meter.finished(item.size, item.path)
                written.append((item.path, stat_key(dest.stat()), entry.id))
            meter.close()
            self.index.remember(written)
            return RestoreResult(source, tuple(items), False, safety)

    def _keep_unsaved(self: Repository, changed: list[RestoreItem], label: str) -> str | None:
        """Snapshot the current files a restore would overwrite if no snapshot holds them."""
        at_risk = [i.path for i in changed if i.current_id is not None]
        if not at_risk:
            return None
        known = self.index.known_ids(i.current_id for i in changed if i.current_id)
        unsaved = [i.path for i in changed if i.current_id and i.current_id not in known]
        if not unsaved:
            return None
        specs = sorted({*self.tracked_specs(), *unsaved})
        self._write_specs(specs)
        result = self._snapshot_once(
            specs,
            message=f"Automatic snapshot before restoring {label}: keeps {', '.join(unsaved[:3])}"
            + (f" and {len(unsaved) - 3} more" if len(unsaved) > 3 else ""),
            metrics={},
            params={},
            tags=[],
            env=None,
            lineage=(),
            author=None,
            allow_empty=False,
            progress=None,
        )
        return result.snapshot.id if result.snapshot else None


def _select(files: Mapping[str, FileEntry], rels: list[str], sha: str) -> dict[str, FileEntry]:
    chosen: dict[str, FileEntry] = {}
    for rel in rels:
        if rel in files:
            chosen[rel] = files[rel]
            continue
        below = {p: e for p, e in files.items() if rel == "." or p.startswith(rel + "/")}
        if not below:
            raise ReferenceNotFoundError(
                f"{rel} is not in snapshot {sha[:10]}; 'mlversion show {sha[:10]}' lists its files"
            )
        chosen.update(below)
    return chosen


def _seq(repo: Repository, sha: str) -> int:
    row = repo.index.snapshot(sha)
    return row.seq if row is not None else -1


def _entry_for(repo: Repository, path: str, oid: str) -> FileEntry | None:
    for version in repo.versions(path):
        if version.id == oid:
            return FileEntry(path, oid, version.size, version.kind)
    return None


def _write_atomic(dest: Path, data: bytes) -> None:
    tmp = dest.with_name(f".{dest.name}.mlversion-tmp")
    mode = dest.stat().st_mode & 0o777 if dest.exists() else 0o644
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, dest)

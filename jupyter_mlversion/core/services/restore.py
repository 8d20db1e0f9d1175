"""Restoring files, whole snapshots and a cell's data inputs, never losing current work."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import changes, pointer, unfetched
from ..atomic import atomic_write
from ..errors import (
    CorruptObjectError,
    MlversionError,
    NothingToRestoreError,
    ReferenceNotFoundError,
    UnsavedWorkError,
)
from ..model import FileEntry, Snapshot
from ..parts import Parts
from ..paths import validate_relative
from ..progress import Meter, Progress
from ..refs import split_artifact_ref
from ..results import RestoreItem, RestoreResult, SnapshotResult
from ..tempfiles import temps_in
from ..worktree import current_ids, scan, stat_key
from .read import Reader
from .scope import expand_patterns

#: Snapshot these paths (adding them to the tracked set) with this message; the snapshot
#: use-case's job, handed in so that restore never depends on how snapshots are taken.
SafetySnapshot = Callable[[Sequence[str], str], SnapshotResult]
#: Snapshot exactly these paths as they are now, with this message and the metrics and
#: params of this snapshot (how a checkout records the state it made).
RecordState = Callable[[Sequence[str], str, Snapshot], SnapshotResult]
HeadState = Callable[[], tuple[str | None, dict[str, FileEntry]]]


class Restorer:
    """``restore``, ``checkout`` and rolling back a cell's inputs."""

    def __init__(
        self,
        parts: Parts,
        reader: Reader,
        *,
        head_state: HeadState,
        sync_index: Callable[[], None],
        safety_snapshot: SafetySnapshot,
        record_state: RecordState,
    ) -> None:
        self._parts = parts
        self._reader = reader
        self._head_state = head_state
        self._sync = sync_index
        self._safety_snapshot = safety_snapshot
        self._record = record_state

    def restore(
        self,
        paths: Iterable[str | Path] = (),
        *,
        to: str = "HEAD",
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore ``paths`` (all files of the snapshot when empty) to their state at ``to``."""
        rels = [self._parts.relpath(p) for p in paths]
        if split_artifact_ref(to) is not None:
            version = self._reader.resolve_artifact(to)
            if rels and rels != [version.path]:
                raise MlversionError(
                    f"'{to}' names a version of {version.path}; restore that path alone, "
                    "or give a snapshot reference to restore other paths"
                )
            entry = FileEntry(version.path, version.id, version.size, version.kind)
            return self._apply({entry.path: entry}, version.snapshot, (), dry_run, progress, to)
        sha = self._reader.resolve(to)
        files = self._reader.files_at(sha)
        targets = _select(files, rels, sha) if rels else files
        return self._apply(targets, sha, (), dry_run, progress, to)

    def checkout(
        self, ref: str, *, dry_run: bool = False, progress: Progress | None = None
    ) -> RestoreResult:
        """Make the tracked tree equal snapshot ``ref``, then record that state on top of HEAD.

        Every tracked file ``ref`` lacks (one the current snapshot holds, one below a tracked
        folder, one matching a tracking pattern) is deleted, after unsaved content was kept
        in a safety snapshot. The tracked set gains what ``ref`` tracked. Unless HEAD already
        holds exactly ``ref``'s files, a snapshot "Check out <id>" with ``ref``'s files is
        committed on top of HEAD, so ``status`` is clean and no later snapshot is lost.
        """
        sha = self._reader.resolve(ref)
        source = self._reader.snapshot_model(sha)
        with self._parts.lock("a checkout"):
            result = self.move_tree_locked(sha, dry_run=dry_run, progress=progress, label=ref)
            if dry_run:
                return result
            files = self._reader.files_at(sha)
            _, head_files = self._head_state()
            if _same_files(head_files, files):
                return result
            label = ", ".join(source.tags) or (ref if not sha.startswith(ref) else "")
            message = f"Check out {sha[:10]}" + (f" ({label})" if label else "")
            recorded = self._record(sorted({*files, *head_files}), message, source)
            snap = recorded.snapshot
            return replace(result, recorded=snap.id if snap else None)

    def move_tree_locked(
        self,
        sha: str,
        *,
        dry_run: bool,
        progress: Progress | None,
        label: str,
        known: Collection[str] = (),
    ) -> RestoreResult:
        """Make the tracked tree equal snapshot ``sha``, recording nothing; lock held.

        Unsaved content is kept in a safety snapshot first; tracked files ``sha`` lacks are
        deleted; the tracked set gains what ``sha`` tracked. Switching branches and
        fast-forward merges move the tree this way, then move HEAD themselves. ``known``:
        ids of content that needs no safety snapshot (what an aborted merge wrote).
        """
        files = self._reader.files_at(sha)
        source = self._reader.snapshot_model(sha)
        specs = sorted({*self._parts.tracked_specs(), *source.tracked})
        _, head_files = self._head_state()
        extra = [p for p in sorted(self._tracked_now(specs, head_files)) if p not in files]
        result = self._apply_locked(files, sha, extra, dry_run, progress, label, known)
        if not dry_run:
            self._parts.write_specs(specs)
        return result

    def write_locked(
        self,
        targets: Mapping[str, FileEntry],
        source: str,
        deletions: Iterable[str],
        *,
        label: str,
        progress: Progress | None = None,
        known: Collection[str] = (),
    ) -> RestoreResult:
        """Write ``targets`` as snapshot ``source`` holds them, delete ``deletions``; lock held."""
        return self._apply_locked(targets, source, deletions, False, progress, label, known)

    def fast_forward(
        self,
        old: str | None,
        new: str,
        move_ref: Callable[[], None],
        *,
        notebooks_only: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Bring the working tree from snapshot ``old`` to ``new`` once ``move_ref`` moved HEAD.

        Only the files that differ between the two snapshots are written or deleted (with
        ``notebooks_only``, only notebooks are written: data comes when a restore needs it).
        A file among them whose content is in neither snapshot holds unsaved work: then
        nothing moves and UnsavedWorkError names it.
        """
        before = self._reader.files_at(old) if old else {}
        after = self._reader.files_at(new)
        targets = {
            p: e
            for p, e in after.items()
            if (p not in before or before[p].id != e.id)
            and (not notebooks_only or e.kind == "notebook")
        }
        deletions = [p for p in before if p not in after]
        with self._parts.lock("a pull"):
            present = [p for p in deletions if (self._parts.root / p).exists()]
            items = self._plan(targets, present)
            unsaved = [
                i.path
                for i in items
                if i.action != "unchanged"
                and i.current_id is not None
                and i.current_id != (before[i.path].id if i.path in before else None)
            ]
            if unsaved:
                more = f" and {len(unsaved) - 3} more" if len(unsaved) > 3 else ""
                raise UnsavedWorkError(
                    f"pulling {new[:10]} would overwrite unsaved changes to "
                    f"{', '.join(unsaved[:3])}{more}; nothing was changed: take a snapshot "
                    "first (mlversion snapshot), then pull again"
                )
            move_ref()
            self._sync()
            source = self._reader.snapshot_model(new)
            self._parts.write_specs({*self._parts.tracked_specs(), *source.tracked})
            done = self._apply_locked(targets, new, present, False, progress, f"pull {new[:10]}")
            if notebooks_only:  # the data stays on the remote until a restore needs it
                left = {p: e.id for p, e in after.items() if p not in targets}
                unfetched.add(self._parts.meta, {
                    p: i for p, i in left.items() if not (self._parts.root / p).exists()
                })  # fmt: skip
            return done

    def _tracked_now(self, specs: Sequence[str], head_files: Mapping[str, FileEntry]) -> set[str]:
        """Every file now under the tracked set, the current snapshot's files or the patterns."""
        parts = self._parts
        found = scan(parts.root, [*specs, *head_files], parts.ignore)
        return {*found.files, *expand_patterns(parts.root, parts.config.track_patterns)}

    def cell_inputs(self, cell_id: str, *, notebook: str | None = None) -> list[dict[str, Any]]:
        """For each snapshot that recorded ``cell_id``: what it read and wrote, with versions."""
        self._sync()
        nb = None if notebook is None else self._parts.relpath(notebook)
        groups: dict[str, dict[str, Any]] = {}
        for row in self._parts.index.lineage_of(cell_id, nb):
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
                    "version": self._reader.version_of(row["path"], row["id"]),
                    "changed_since": row["changed_since"],
                }
            )
        return list(groups.values())

    def restore_cell_inputs(
        self,
        cell_id: str,
        *,
        to: str,
        notebook: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore the files cell ``cell_id`` read to the versions it read at snapshot ``to``."""
        sha = self._reader.resolve(to)
        # The snapshots ``to`` descends from, on whichever branch: a run recorded on another
        # line of work after them is not what the cell read at ``to``.
        ancestry = set(self._parts.history.reachable([sha]))
        history = self.cell_inputs(cell_id, notebook=notebook)
        if not history:
            raise NothingToRestoreError(
                f"no snapshot records cell '{cell_id}'; run the cell, then snapshot, "
                "so its inputs are known"
            )
        chosen = next((g for g in history if g["snapshot"] in ancestry), None)
        if chosen is None:
            raise NothingToRestoreError(
                f"cell '{cell_id}' had not run by snapshot {sha[:10]}; "
                "'mlversion inputs' shows the snapshots that recorded it"
            )
        targets: dict[str, FileEntry] = {}
        for read in chosen["reads"]:
            entry = None if read["id"] is None else self._entry_for(read["path"], read["id"])
            if entry is not None:
                targets[entry.path] = entry
        if not targets:
            raise NothingToRestoreError(
                f"cell '{cell_id}' read no versioned file at snapshot {chosen['snapshot'][:10]}"
            )
        return self._apply(targets, chosen["snapshot"], (), dry_run, progress, f"cell {cell_id}")

    # -- the one place files are written ---------------------------------
    def _apply(
        self,
        targets: Mapping[str, FileEntry],
        source: str,
        deletions: Iterable[str],
        dry_run: bool,
        progress: Progress | None,
        label: str,
    ) -> RestoreResult:
        with self._parts.lock("a restore"):
            return self._apply_locked(targets, source, deletions, dry_run, progress, label)

    def _apply_locked(
        self,
        targets: Mapping[str, FileEntry],
        source: str,
        deletions: Iterable[str],
        dry_run: bool,
        progress: Progress | None,
        label: str,
        known: Collection[str] = (),
    ) -> RestoreResult:
        deletions = list(deletions)
        items = self._plan(targets, deletions)  # validates every path first
        self._sweep([*targets, *deletions])
        changed = [i for i in items if i.action != "unchanged"]
        if dry_run or not changed:
            return RestoreResult(source, tuple(items), dry_run)
        self._check_history(source, [targets[i.path] for i in changed if i.action == "write"])
        safety = self._keep_unsaved(changed, label, known)
        self._write(changed, targets, source, progress)
        unfetched.drop(self._parts.meta, [i.path for i in changed])
        return RestoreResult(source, tuple(items), False, safety)

    def _check_history(self, source: str, entries: Sequence[FileEntry]) -> None:
        """Refuse to restore a file whose record in ``history.git`` is damaged.

        The index says which content to write; the history is what it was built from, so the
        two must agree before anything is overwritten (notebooks are checked as they are read).
        """
        data = [e for e in entries if e.kind != "notebook"]
        if not data:
            return
        try:
            blobs = self._parts.history.read_blobs(source, [e.path for e in data])
        except MlversionError:
            blobs = {}
        for entry in data:
            if blobs.get(entry.path) != pointer.pointer_bytes(entry):
                raise CorruptObjectError(
                    f"the history's record of {entry.path} in snapshot {source[:10]} is damaged "
                    "or missing; nothing was restored; run 'mlversion verify' to see the damage"
                )

    def _sweep(self, rels: Iterable[str]) -> None:
        """Remove the temp files killed restores left beside the files this one writes."""
        root = self._parts.root
        for folder in {(root / rel).parent for rel in rels}:
            self._parts.sweep_temps(temps_in(folder))

    def _plan(self, targets: Mapping[str, FileEntry], deletions: list[str]) -> list[RestoreItem]:
        """What each path needs: ``unchanged``, ``write`` or ``delete``, with its current id."""
        root = self._parts.root
        stats = {}
        for rel in [*targets, *deletions]:
            validate_relative(rel)
            # Resolves symlinks: a folder replaced by a link leading outside is refused.
            self._parts.relpath(root / rel)
            try:
                stats[rel] = (root / rel).stat()
            except FileNotFoundError:
                continue
        current = current_ids(root, stats, self._parts.index)
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
        return items

    def _write(
        self,
        changed: list[RestoreItem],
        targets: Mapping[str, FileEntry],
        source: str,
        progress: Progress | None,
    ) -> None:
        """Write (atomically, verified) or delete each changed path; remember the new stats."""
        store = self._parts.store
        remote = [
            targets[i.path]
            for i in changed
            if i.action == "write"
            and targets[i.path].kind != "notebook"
            and not store.has(targets[i.path].id)
        ]
        fetch_total = sum(e.size for e in remote)
        meter = Meter(progress, sum(i.size for i in changed) + fetch_total)
        prefetch = getattr(store.fallback, "prefetch", None)
        if remote and prefetch is not None:
            # The chunks are on a remote: say so, and fetch them all in parallel first.
            what = f"{len(remote)} file(s) ({remote[0].path}...)"
            prefetch(
                store,
                [e.id for e in remote],
                lambda done, label: meter.report(min(done, fetch_total), f"{label} for {what}"),
            )
            meter.finished(fetch_total, f"downloaded {what} from the remote")
        written = []
        for item in changed:
            dest = self._parts.root / item.path
            if item.action == "delete":
                dest.unlink(missing_ok=True)
                continue
            entry = targets[item.path]
            dest.parent.mkdir(parents=True, exist_ok=True)
            if entry.kind == "notebook":
                data = b"".join(self._reader.read_bytes(entry, source))
                atomic_write(dest, data, keep_mode=True)
            else:
                self._parts.store.restore_to(entry.id, dest, progress=meter.file(item.path))
            meter.finished(item.size, item.path)
            written.append((item.path, stat_key(dest.stat()), entry.id))
        meter.close()
        self._parts.index.remember(written)
        deleted = [i.path for i in changed if i.action == "delete"]
        changes.note_change(self._parts.meta, source, [w[0] for w in written], deleted)

    def _keep_unsaved(
        self, changed: list[RestoreItem], label: str, expected: Collection[str] = ()
    ) -> str | None:
        """Snapshot the current files a restore would overwrite if no snapshot holds them."""
        current = [i.current_id for i in changed if i.current_id]
        if not current:
            return None
        known = self._parts.index.known_ids(current) | set(expected)
        unsaved = [i.path for i in changed if i.current_id and i.current_id not in known]
        if not unsaved:
            return None
        more = f" and {len(unsaved) - 3} more" if len(unsaved) > 3 else ""
        message = f"Automatic snapshot before restoring {label}: keeps {', '.join(unsaved[:3])}"
        result = self._safety_snapshot(unsaved, message + more)
        return result.snapshot.id if result.snapshot else None

    def _entry_for(self, path: str, oid: str) -> FileEntry | None:
        for version in self._reader.versions(path):
            if version.id == oid:
                return FileEntry(path, oid, version.size, version.kind)
        return None


def _same_files(a: Mapping[str, FileEntry], b: Mapping[str, FileEntry]) -> bool:
    return a.keys() == b.keys() and all(a[p].id == b[p].id for p in a)


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

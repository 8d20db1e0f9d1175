"""Merging a branch into the current one: preview, merge, resolve, continue, abort."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import blake3

from ..atomic import atomic_write, atomic_writer
from ..errors import (
    InvalidNameError,
    MergeInProgressError,
    MlversionError,
    ReferenceNotFoundError,
    UnresolvedConflictsError,
)
from ..merge import state as merge_state
from ..merge.state import MergeState
from ..model import FileEntry
from ..parts import Parts
from ..progress import Progress
from ..results import SnapshotResult
from .scope import SnapshotRequest

if TYPE_CHECKING:
    from ..merge.plan import FileOutcome
    from .read import Reader
    from .restore import Restorer

TakeSnapshot = Callable[[SnapshotRequest], SnapshotResult]


@dataclass(frozen=True)
class MergeResult:
    """What a merge did: ``merged``, ``fast-forward``, ``up-to-date`` or ``conflicts``."""

    state: str
    branch: str
    ours: str | None
    theirs: str
    base: str | None = None
    snapshot: str | None = None
    files: tuple[FileOutcome, ...] = ()
    safety_snapshot: str | None = None

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.files if f.outcome == "conflict"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "branch": self.branch,
            "ours": self.ours,
            "theirs": self.theirs,
            "base": self.base,
            "snapshot": self.snapshot,
            "safety_snapshot": self.safety_snapshot,
            "files": [f.to_dict() for f in self.files],
            "conflicts": self.conflicts,
        }


class Merger:
    """The merge use-cases; working-tree writes go through the restorer (verified)."""

    def __init__(
        self,
        parts: Parts,
        reader: Reader,
        restorer: Callable[[], Restorer],
        *,
        take: TakeSnapshot,
        unsaved: Callable[[], list[str]],
        safety_snapshot: Callable[[Sequence[str], str], SnapshotResult],
        sync_index: Callable[[], None],
    ) -> None:
        self._parts = parts
        self._reader = reader
        self._restorer = restorer
        self._take = take
        self._unsaved = unsaved
        self._safety = safety_snapshot
        self._sync = sync_index

    # -- reading -----------------------------------------------------------
    def in_progress(self) -> MergeState | None:
        return merge_state.load(self._parts.meta)

    def check_none(self) -> None:
        """MergeInProgressError when a merge waits for its conflicts."""
        state = self.in_progress()
        if state is not None:
            raise MergeInProgressError(
                f"a merge of '{state.branch}' is in progress ({len(state.unresolved)} "
                "conflict(s) unresolved); finish it with 'mlversion merge --continue' or "
                "undo it with 'mlversion merge --abort'"
            )

    def _theirs(self, branch: str) -> str:
        history = self._parts.history
        try:
            head = history.branch_head(branch)
        except InvalidNameError:  # BRANCH~N, an id: any snapshot reference may be merged
            head = None
        if head is not None:
            return head
        try:
            return self._reader.resolve(branch)
        except ReferenceNotFoundError:
            known = ", ".join(sorted(history.branches()))
            raise ReferenceNotFoundError(
                f"no branch '{branch}' to merge (branches: {known}); 'mlversion branch' lists them"
            ) from None

    def _read(self, entry: FileEntry, sha: str) -> bytes:
        return b"".join(self._reader.read_bytes(entry, sha))

    def _chunks(self, entry: FileEntry, sha: str) -> Iterator[bytes]:
        return self._reader.read_bytes(entry, sha)

    @contextlib.contextmanager
    def _scratch(self) -> Iterator[Path]:
        """A folder beside the project's files for spooled tables (same disk: moved, not copied)."""
        with tempfile.TemporaryDirectory(prefix="merge-", dir=self._parts.meta) as folder:
            yield Path(folder)

    def _plan(
        self, ours: str, theirs: str, keys: Sequence[str], scratch: Path
    ) -> tuple[str | None, list[FileOutcome]]:
        base = self._parts.history.merge_base(ours, theirs)
        files = (
            self._reader.files_at(base) if base else {},
            self._reader.files_at(ours),
            self._reader.files_at(theirs),
        )
        from ..merge.plan import plan_merge  # nbformat and nbdime: only when merging

        return base, plan_merge(files, (base, ours, theirs), self._chunks, keys, scratch)

    def preview(self, branch: str, keys: Sequence[str] = ()) -> dict[str, Any]:
        """What merging ``branch`` would do, computed without touching the working tree."""
        history = self._parts.history
        theirs, ours = self._theirs(branch), history.head()
        if ours is None:
            raise ReferenceNotFoundError(
                "the current branch has no snapshot yet; nothing to merge into"
            )
        up_to_date = history.is_ancestor(theirs, ours)
        fast_forward = not up_to_date and history.is_ancestor(ours, theirs)
        with self._scratch() as scratch:
            base, files = (ours, []) if up_to_date else self._plan(ours, theirs, keys, scratch)
        return {
            "branch": branch,
            "fast_forward": fast_forward,
            "up_to_date": up_to_date,
            "base": base,
            "ours": ours,
            "theirs": theirs,
            "files": [f.to_dict() for f in files],
        }

    def notebook_decisions(self, path: str) -> dict[str, Any]:
        """nbdime's merge decisions for a notebook of the merge in progress (its merge view)."""
        state = merge_state.require(self._parts.meta)
        rel = self._parts.relpath(path)
        sides = []
        for sha in (state.base, state.ours, state.theirs):
            entry = self._reader.files_at(sha).get(rel) if sha else None
            sides.append(self._read(entry, sha) if entry is not None and sha else None)
        if sides[1] is None or sides[2] is None:
            raise ReferenceNotFoundError(f"{rel} is not a notebook on both sides of the merge")
        from ..merge.notebooks import merge_decisions

        return merge_decisions(sides[0], sides[1], sides[2], rel)

    # -- merging -----------------------------------------------------------
    def merge(
        self,
        branch: str,
        *,
        message: str = "",
        keys: Sequence[str] = (),
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> MergeResult:
        """Merge ``branch`` into the current branch (see the module and README for the rules)."""
        history = self._parts.history
        current = history.current_branch()
        with self._parts.lock("a merge"):
            self.check_none()
            theirs, ours = self._theirs(branch), history.head()
            if ours is None:
                raise ReferenceNotFoundError(
                    "the current branch has no snapshot yet; nothing to merge into"
                )
            if history.is_ancestor(theirs, ours):
                return MergeResult("up-to-date", branch, ours, theirs, ours)
            unsaved = self._unsaved()
            safety = None
            if unsaved:
                kept = self._safety(unsaved, f"Automatic snapshot before merging {branch}")
                safety = kept.snapshot.id if kept.snapshot else None
                ours = history.head() or ours
            if history.is_ancestor(ours, theirs):
                restorer = self._restorer()
                restorer.move_tree_locked(theirs, dry_run=False, progress=progress,
                                          label=f"branch {branch}")  # fmt: skip
                history.move_branch(current, theirs, ours, f"mlversion: fast-forward to {branch}")
                self._sync()
                return MergeResult("fast-forward", branch, ours, theirs, ours, theirs,
                                   safety_snapshot=safety)  # fmt: skip
            with self._scratch() as scratch:
                base, files = self._plan(ours, theirs, keys, scratch)
                written = self._apply(files, theirs, branch, progress)
            text = message.strip() or f"Merge branch '{branch}' into {current}"
            conflicts = [f for f in files if f.outcome == "conflict"]
            paths = tuple(f.path for f in files if f.outcome != "ours")
            self._track_theirs(theirs)
            if conflicts:
                pending = MergeState(
                    branch, ours, theirs, base, text, paths,
                    tuple(f.to_dict() for f in conflicts), written,
                    metrics=dict(metrics or {}), params=dict(params or {}),
                )  # fmt: skip
                merge_state.save(self._parts.meta, pending)
                return MergeResult("conflicts", branch, ours, theirs, base, None, tuple(files),
                                   safety)  # fmt: skip
            snap = self._conclude(paths, text, theirs, metrics, params)
            return MergeResult("merged", branch, ours, theirs, base, snap, tuple(files), safety)

    def _apply(
        self, files: Sequence[FileOutcome], theirs: str, branch: str, progress: Progress | None
    ) -> dict[str, str]:
        """Write theirs' side and the merged contents into the tree; returns path -> id written."""
        theirs_files = self._reader.files_at(theirs)
        taken = [f.path for f in files if f.outcome == "theirs"]
        targets = {p: theirs_files[p] for p in taken if p in theirs_files}
        deletions = [p for p in taken if p not in theirs_files]
        if targets or deletions:
            self._restorer().write_locked(targets, theirs, deletions, label=f"branch {branch}",
                                          progress=progress)  # fmt: skip
        written = {p: e.id for p, e in targets.items()}
        for outcome in files:
            if outcome.content is not None and outcome.outcome in ("merged", "conflict"):
                atomic_write(self._parts.root / outcome.path, outcome.content, keep_mode=True)
                written[outcome.path] = blake3.blake3(outcome.content).hexdigest()
            elif outcome.content_file is not None:
                written[outcome.path] = self._place(outcome.content_file, outcome.path)
        return written

    def _place(self, merged: Path, rel: str) -> str:
        """Copy a merged file into the tree atomically, in chunks; returns its id."""
        digest = blake3.blake3()
        with merged.open("rb") as src, atomic_writer(self._parts.root / rel, keep_mode=True) as out:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        merged.unlink()
        return digest.hexdigest()

    def _track_theirs(self, theirs: str) -> None:
        source = self._reader.snapshot_model(theirs)
        self._parts.write_specs(sorted({*self._parts.tracked_specs(), *source.tracked}))

    def _conclude(
        self,
        paths: Sequence[str],
        message: str,
        theirs: str,
        metrics: Mapping[str, float] | None,
        params: Mapping[str, Any] | None,
    ) -> str | None:
        request = SnapshotRequest(
            paths=tuple(paths),
            message=message,
            metrics=dict(metrics or {}),
            params=dict(params or {}),
            merge_parents=(theirs,),
        )
        result = self._take(request)
        return result.snapshot.id if result.snapshot else None

    # -- a merge in progress -------------------------------------------------
    def resolve(
        self, path: str, side: str | None = None, content: bytes | None = None
    ) -> MergeState:
        """Settle one conflict: ``ours``, ``theirs``, ``content`` given, or the file as edited."""
        rel = self._parts.relpath(path)
        with self._parts.lock("a merge"):
            state = merge_state.require(self._parts.meta)
            if rel not in [c["path"] for c in state.conflicts]:
                listed = ", ".join(state.unresolved) or "none left"
                raise ReferenceNotFoundError(
                    f"{rel} is not a conflict of this merge (unresolved: {listed})"
                )
            if side not in (None, "ours", "theirs"):
                raise MlversionError(
                    f"resolve {rel}: side must be 'ours' or 'theirs', not {side!r}"
                )
            if content is not None:
                atomic_write(self._parts.root / rel, content, keep_mode=True)
            elif side is not None:
                sha = state.ours if side == "ours" else state.theirs
                entry = self._reader.files_at(sha).get(rel)
                restorer = self._restorer()
                known = set(state.written.values())
                if entry is None:
                    restorer.write_locked({}, sha, [rel], label=f"{side} of {rel}", known=known)
                else:
                    restorer.write_locked({rel: entry}, sha, [], label=f"{side} of {rel}",
                                          known=known)  # fmt: skip
            resolved = state.with_resolved(rel)
            merge_state.save(self._parts.meta, resolved)
            return resolved

    def continue_(
        self,
        *,
        message: str = "",
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> MergeResult:
        """Snapshot the resolved merge with two parents; UnresolvedConflictsError if any remain."""
        with self._parts.lock("a merge"):
            state = merge_state.require(self._parts.meta)
            if state.unresolved:
                raise UnresolvedConflictsError(
                    f"{len(state.unresolved)} conflict(s) unresolved: "
                    f"{', '.join(state.unresolved[:10])}; settle each with 'mlversion resolve "
                    "PATH --ours|--theirs' (or edit it, then 'mlversion resolve PATH')"
                )
            values = replace(state, metrics={**state.metrics, **dict(metrics or {})},
                             params={**state.params, **dict(params or {})})  # fmt: skip
            snap = self._conclude(
                state.paths, message.strip() or state.message, state.theirs,
                values.metrics, values.params,
            )  # fmt: skip
            merge_state.clear(self._parts.meta)
            return MergeResult("merged", state.branch, state.ours, state.theirs, state.base, snap)

    def abort(self, *, progress: Progress | None = None) -> MergeState:
        """Put the tree back as it was before the merge (the current snapshot's files)."""
        with self._parts.lock("a merge"):
            state = merge_state.require(self._parts.meta)
            head = self._parts.history.head() or state.ours
            self._restorer().move_tree_locked(
                head, dry_run=False, progress=progress, label="the merge abort",
                known=set(state.written.values()),
            )  # fmt: skip
            merge_state.clear(self._parts.meta)
            return state

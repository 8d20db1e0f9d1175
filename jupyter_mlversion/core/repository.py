"""The one facade every surface (CLI, magic, widgets, REST) calls.

``Repository.open(path)`` finds the project by walking up from ``path``;
``Repository.init(path)`` creates one. Methods raise the typed errors of
:mod:`jupyter_mlversion.core.errors`; they never print or prompt.

The facade holds no use-case itself: it owns the project's :class:`Parts` and composes
services (:mod:`.services`: snapshot, read, names, restore, maintenance), each created on
first use and handed the parts and the few operations it needs. Restore reaches the
snapshot service only through :meth:`_safety_snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import shared
from .atomic import atomic_write
from .config import DEFAULT_CONFIG, Config
from .errors import (
    MlversionError,
    NotAProjectError,
    ProjectExistsError,
    ReferenceNotFoundError,
    UnreadableFileError,
)
from .gitrefs import read_ref
from .ignore import IgnoreRules
from .index import Index
from .index_sync import sync_index
from .layout import (
    CONFIG_FILE,
    HISTORY_DIR,
    IGNORE_FILE,
    JOURNAL_DIR,
    MAIN_REF,
    META_DIR,
    OBJECTS_DIR,
    TRACKED_FILE,
)
from .model import ArtifactVersion, Change, FileEntry, Snapshot, Stage
from .parts import Parts
from .remote.facade import RemoteMethods
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
from .services.scope import SnapshotRequest

if TYPE_CHECKING:
    from .history import History
    from .merge.state import MergeState
    from .registry import Registry
    from .services.branches import BranchDeleted, Branches, BranchInfo, BranchList, SwitchResult
    from .services.lineage import LineageGraph
    from .services.maintenance import Maintenance
    from .services.merge import Merger, MergeResult
    from .services.names import Names
    from .services.read import Reader
    from .services.reproduce import ReproduceReport
    from .services.restore import Restorer
    from .services.snapshot import Progress, SnapshotService
    from .store import ObjectStore

__all__ = ["HISTORY_DIR", "MAIN_REF", "MlversionError", "Repository"]


def _check_names(rels: Iterable[str]) -> None:
    """InvalidNameError for a path git cannot store (newline, backslash, ``.GIT``...)."""
    from .history_names import validate_path

    for rel in rels:
        if rel != ".":
            validate_path(rel)


class Repository(RemoteMethods):
    """A project: a folder holding ``.mlversion/``; its remote methods: :mod:`.remote.facade`."""

    def __init__(self, root: Path, *, store_path: str | Path | None = None) -> None:
        self.parts = Parts(root, store_path=store_path)
        self.root = self.parts.root
        self.meta = self.parts.meta

    # -- opening ---------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path) -> Repository:
        """Create a project in ``path``; ProjectExistsError if one is there."""
        from .history import History

        root = Path(path).resolve()
        meta = root / META_DIR
        if (meta / HISTORY_DIR).exists():
            raise ProjectExistsError(f"{root} already holds a project ({META_DIR}/ exists)")
        try:
            shared.make_dir(meta, parents=True)
            shared.make_dir(meta / OBJECTS_DIR)
            shared.make_dir(meta / JOURNAL_DIR)
            atomic_write(meta / CONFIG_FILE, DEFAULT_CONFIG.encode("utf-8"))
            # Keep the user's own git (if any) away from our folder.
            atomic_write(meta / ".gitignore", b"*\n")
            atomic_write(meta / TRACKED_FILE, b"[]\n")
            History.init(meta / HISTORY_DIR)
        except PermissionError as exc:
            raise UnreadableFileError(
                f"cannot create a project in {root}: {exc.strerror}"
            ) from None
        return cls(root)

    @classmethod
    def find_root(cls, path: str | Path) -> Path | None:
        """The project root holding ``path``, or None."""
        here = Path(path).resolve()
        if not here.is_dir():
            here = here.parent
        for folder in (here, *here.parents):
            if (folder / META_DIR / HISTORY_DIR).is_dir():
                return folder
        return None

    @classmethod
    def open(cls, path: str | Path = ".", *, store_path: str | Path | None = None) -> Repository:
        """Open the project holding ``path`` (walking up); NotAProjectError if none.

        ``store_path`` puts the objects elsewhere than the project's config says (e.g. a
        store shared by a team); relative paths are taken from ``.mlversion/``.
        """
        root = cls.find_root(path)
        if root is None:
            raise NotAProjectError(
                f"no mlversion project at {Path(path).resolve()} or any folder above it; "
                "run 'mlversion init' in the project's folder first"
            )
        return cls(root, store_path=store_path)

    def relpath(self, path: str | Path) -> str:
        """Project-relative POSIX path; PathOutsideProjectError when it escapes."""
        return self.parts.relpath(path)

    # -- parts, opened on first use (see Parts) --------------------------
    @property
    def config(self) -> Config:
        return self.parts.config

    @property
    def store(self) -> ObjectStore:
        return self.parts.store

    @property
    def store_root(self) -> Path:
        """Folder of the objects: the open() argument, else MLVERSION_STORE, else config."""
        return self.parts.store_root

    @property
    def history(self) -> History:
        return self.parts.history

    @property
    def registry(self) -> Registry:
        return self.parts.registry

    @property
    def index(self) -> Index:
        return self.parts.index

    @property
    def ignore(self) -> IgnoreRules:
        return self.parts.ignore

    @cached_property
    def snapshots(self) -> SnapshotService:
        from .services.snapshot import SnapshotService

        return SnapshotService(
            self.parts,
            lambda: self._reader,
            head=self.head,
            sync_index=self.sync_index,
            ensure_can_tag=self.ensure_can_tag,
            create_tag=self._create_tag,
        )

    def close(self) -> None:
        """Release the index connection, pack handles and git helpers this object opened."""
        self.parts.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock(self, what: str = "a snapshot") -> Any:
        return self.parts.lock(what)

    def writable(self) -> bool:
        """Whether this user may change the project (a shared volume may be read-only)."""
        return shared.writable(self.meta)

    # -- services, created on first use -----------------------------------
    @cached_property
    def _reader(self) -> Reader:
        from .services.read import Reader

        return Reader(
            self.parts,
            head=self.head,
            sync_index=self.sync_index,
            tags_by_snapshot=self.tags_by_snapshot,
            aliases=self.aliases,
            changes_between=self.changes_between,
        )

    @cached_property
    def _names(self) -> Names:
        from .services.names import Names

        return Names(self.parts, self._reader, head=self.head)

    @cached_property
    def _restorer(self) -> Restorer:
        from .services.restore import Restorer

        return Restorer(
            self.parts,
            self._reader,
            head_state=self.head_state,
            sync_index=self.sync_index,
            safety_snapshot=self._safety_snapshot,
            record_state=self._record_state,
        )

    @cached_property
    def _maintenance(self) -> Maintenance:
        from .services.maintenance import Maintenance

        return Maintenance(self.parts, self._reader, sync_index=self.sync_index)

    @cached_property
    def _branches(self) -> Branches:
        from .services.branches import Branches

        return Branches(
            self.parts,
            self._reader,
            lambda: self._restorer,
            sync_index=self.sync_index,
            check_no_merge=self._merger.check_none,
        )

    @cached_property
    def _merger(self) -> Merger:
        from .services.merge import Merger

        return Merger(
            self.parts,
            self._reader,
            lambda: self._restorer,
            take=self.snapshots.take,
            unsaved=self._unsaved_paths,
            safety_snapshot=self._safety_snapshot,
            sync_index=self.sync_index,
        )

    def _unsaved_paths(self) -> list[str]:
        """Paths whose current content the current snapshot does not hold."""
        return [c.path for c in self.status().changes]

    def _safety_snapshot(self, paths: Sequence[str], message: str) -> SnapshotResult:
        """Track ``paths`` and snapshot just them now (restore keeps unsaved work this way).

        The caller holds the project lock already.
        """
        self._write_specs([*self.tracked_specs(), *paths])
        return self.snapshots.take(SnapshotRequest(paths=tuple(paths), message=message))

    def _record_state(self, paths: Sequence[str], message: str, source: Snapshot) -> SnapshotResult:
        """Snapshot exactly ``paths`` as they are now, with ``source``'s metrics and params.

        The caller holds the project lock already.
        """
        request = SnapshotRequest(
            paths=tuple(paths), message=message, metrics=source.metrics, params=source.params
        )
        return self.snapshots.take(request)

    # -- tracked set -----------------------------------------------------
    def tracked_specs(self) -> list[str]:
        return self.parts.tracked_specs()

    def _write_specs(self, specs: Iterable[str]) -> None:
        self.parts.write_specs(specs)

    def track(self, paths: Iterable[str | Path]) -> list[str]:
        """Add paths (files or folders) to the tracked set used by the next snapshot."""
        added = []
        for path in paths:
            rel = self.relpath(path)
            if not (self.root / rel).exists():
                raise UnreadableFileError(
                    f"{path}: no such file or folder in the project; check the path and retry"
                )
            added.append(rel)
        _check_names(added)
        if added:
            self._write_specs([*self.tracked_specs(), *added])
        return added

    def untrack(self, paths: Iterable[str | Path]) -> list[str]:
        """Stop tracking paths; the next snapshot no longer holds them (history keeps them)."""
        specs = set(self.tracked_specs())
        removed = []
        for path in paths:
            rel = self.relpath(path)
            if rel not in specs:
                covering = [s for s in specs if s == "." or rel.startswith(s + "/")]
                hint = (
                    f"; it is inside tracked folder '{covering[0]}': add it to {IGNORE_FILE}"
                    if covering
                    else "; 'mlversion status' lists what is tracked"
                )
                raise ReferenceNotFoundError(f"{rel} is not tracked{hint}")
            specs.discard(rel)
            removed.append(rel)
        self._write_specs(specs)
        return removed

    # -- state -----------------------------------------------------------
    def head(self) -> str | None:
        """Id of the current branch's newest snapshot, or None before its first one."""
        return read_ref(self.meta / HISTORY_DIR, "HEAD")

    def head_state(self) -> tuple[str | None, dict[str, FileEntry]]:
        """The newest snapshot and its files, from the (synchronised) index."""
        head = self.head()
        self.sync_index(head)
        return head, self.index.head_files()

    def sync_index(self, head: str | None = None) -> None:
        """Bring ``index.sqlite`` up to date with history (rebuilding it if it was deleted)."""
        head = self.head() if head is None else head
        if self.index.head == head:  # the common case: no git, no history object
            return
        sync_index(self.index, self.history, head)

    def status(
        self,
        paths: Iterable[str | Path] = (),
        *,
        notebook: str | Path | None = None,
        kernel: str | None = None,
        patterns: Sequence[str] = (),
        progress: Any = None,
    ) -> Status:
        """What the next snapshot of the same request would record (see :meth:`snapshot`)."""
        request = SnapshotRequest(
            paths=tuple(self.relpath(p) for p in paths),
            notebook=self.relpath(notebook) if notebook is not None else None,
            kernel=kernel,
            patterns=tuple(patterns),
        )
        status = self.snapshots.status(request, progress=progress)
        merging = self.merge_state()
        summary = None
        if merging is not None:
            summary = {
                "branch": merging.branch,
                "unresolved": merging.unresolved,
                "resolved": list(merging.resolved),
            }
        return replace(status, branch=self.current_branch(), merge=summary)

    def snapshot(
        self,
        paths: Iterable[str | Path] = (),
        *,
        notebook: str | Path | None = None,
        kernel: str | None = None,
        message: str = "",
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        tags: Sequence[str] = (),
        environment: Mapping[str, Any] | None = None,
        author: tuple[str, str] | None = None,
        allow_empty: bool = False,
        patterns: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> SnapshotResult:
        """Take a snapshot; no commit when nothing in its scope changed.

        The scope (:mod:`.services.scope`): with ``notebook`` (or ``kernel``), the notebook,
        the files its cells read and wrote as the kernels' journals recorded them, the
        tracked paths, the tracking patterns and ``paths``; with ``paths`` alone, just those;
        with neither, everything the last snapshot holds, the tracked paths, the patterns
        and every notebook whose cells ran since. Other files keep their parent's version.
        ``paths`` are tracked from now on. Metrics and params logged in the notebook's
        kernels are recorded too (the caller's win).
        """
        rels = [self.relpath(p) for p in paths]
        request = SnapshotRequest(
            paths=tuple(rels),
            notebook=self.relpath(notebook) if notebook is not None else None,
            kernel=kernel,
            message=message,
            metrics=dict(metrics or {}),
            params=dict(params or {}),
            tags=tuple(tags),
            author=author,
            allow_empty=allow_empty,
            patterns=tuple(patterns),
            environment=environment,
        )
        _check_names(rels)  # before tracked.json or anything else changes
        with self.lock():
            self._check_present([*rels, *([request.notebook] if request.notebook else [])])
            if rels:
                self._write_specs([*self.tracked_specs(), *rels])
            return self.snapshots.take(request, progress)

    def _check_present(self, rels: Sequence[str]) -> None:
        """Each named path exists now, or was in the last snapshot (its removal is recorded)."""
        missing = [r for r in rels if not (self.root / r).exists()]
        if not missing:
            return
        self.sync_index()
        known = self.index.head_files()
        for rel in missing:
            if rel not in known and not any(p.startswith(rel + "/") for p in known):
                raise UnreadableFileError(
                    f"{rel}: no such file or folder in the project; check the path and retry"
                )

    def changes_between(
        self, before: Mapping[str, FileEntry], after: Mapping[str, FileEntry]
    ) -> list[Change]:
        """Added, removed and modified files from one state to another, sorted by path."""
        from .services.snapshot import changes_between

        return changes_between(before, after)

    def _create_tag(self, name: str, sha: str, *, message: str, author: tuple[str, str]) -> None:
        # Through the facade: the names service is built only when a tag is really made.
        self._names.create_tag(name, sha, message=message, author=author)

    def ensure_can_tag(self, names: Sequence[str]) -> None:
        """Raise unless every name is a valid tag name that no snapshot holds yet."""
        self._names.ensure_can_tag(names)

    def snapshot_model(self, sha: str, *, full: bool = True) -> Snapshot:
        """Build the Snapshot value for commit ``sha``."""
        return self._reader.snapshot_model(sha, full=full)

    # -- reading (services.read.Reader) ------------------------------------
    def log(
        self,
        *,
        path: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        branch: str | None = None,
    ) -> list[Snapshot]:
        """Snapshots newest first (of ``branch``: None the current one, ``*`` all)."""
        return self._reader.log(path=path, query=query, limit=limit, offset=offset, branch=branch)

    def count(
        self, *, path: str | None = None, query: str | None = None, branch: str | None = None
    ) -> int:
        return self._reader.count(path=path, query=query, branch=branch)

    def show(self, ref: str = "HEAD") -> tuple[Snapshot, list[FileEntry]]:
        """A snapshot's metadata and its files."""
        return self._reader.show(ref)

    def files_at(self, sha: str) -> dict[str, FileEntry]:
        """Every file of snapshot ``sha``."""
        return self._reader.files_at(sha)

    def resolve(self, ref: str) -> str:
        """Snapshot id a reference names (``HEAD~2``, tag, prefix, ``PATH@v3``...)."""
        return self._reader.resolve(ref)

    def resolve_artifact(self, ref: str) -> ArtifactVersion:
        """The artifact version ``PATH@vN`` / ``PATH@alias`` / ``PATH@snapshot`` names."""
        return self._reader.resolve_artifact(ref)

    def versions(self, path: str) -> list[ArtifactVersion]:
        """``v0..vN`` of a path: each distinct content, in order of first appearance."""
        return self._reader.versions(path)

    def version_of(self, path: str, oid: str | None) -> int | None:
        return self._reader.version_of(path, oid)

    def with_versions(self, changes: Iterable[Change], limit: int = 200) -> list[Change]:
        """Changes with ``vN`` numbers filled in from the index (skipped for huge change sets)."""
        return self._reader.with_versions(changes, limit)

    def read_bytes(self, entry: FileEntry, snapshot: str) -> Iterator[bytes]:
        """Stream a stored file's bytes (verified)."""
        return self._reader.read_bytes(entry, snapshot)

    def diff(self, old: str = "HEAD~1", new: str = "HEAD") -> Diff:
        """Files added, removed and modified, and metric and param deltas, from old to new."""
        return self._reader.diff(old, new)

    def diff_file(
        self,
        path: str,
        old: str = "HEAD~1",
        new: str = "HEAD",
        *,
        outputs: bool = True,
        keys: Sequence[str] = (),
        max_bytes: int | None = None,
        working: bool = False,
    ) -> dict[str, Any]:
        """One file between two references in detail (see :func:`.file_diff.diff_file`).

        ``working``: compare ``old`` with the file on disk now instead of with ``new``.
        """
        from . import file_diff

        limit = file_diff.MAX_DIFF_BYTES if max_bytes is None else max_bytes
        return file_diff.diff_file(
            self, path, old, new, outputs=outputs, keys=keys, max_bytes=limit, working=working
        )

    # -- lineage and reproduce (services.lineage, services.reproduce) -------------
    def lineage(self, path: str, *, depth: int = 10, max_nodes: int = 500) -> LineageGraph:
        """Which cell runs wrote each version of ``path`` and what they read, recursively."""
        from .services.lineage import Lineage

        return Lineage(self.parts, self._reader).graph(path, depth=depth, max_nodes=max_nodes)

    def reproduce(self, cell_id: str, *, at: str, notebook: str | None = None) -> ReproduceReport:
        """Compare a re-run of ``cell_id`` (disk, journals) with what ``at`` recorded."""
        from .services.reproduce import Reproducer

        reproducer = Reproducer(self.parts, self._reader, diff_file=self.diff_file)
        return reproducer.reproduce(cell_id, at=at, notebook=notebook)

    # -- names (services.names.Names) ----------------------------------------
    def tag(self, name: str, ref: str = "HEAD", *, message: str = "") -> str:
        """Put the immutable tag ``name`` on the snapshot ``ref`` names; returns its id."""
        return self._names.tag(name, ref, message=message)

    def tags(self) -> dict[str, str]:
        """``{tag: snapshot id}``."""
        return self._names.tags()

    def tags_by_snapshot(self) -> dict[str, list[str]]:
        return self._names.tags_by_snapshot()

    def delete_tag(self, name: str, *, reason: str = "") -> None:
        """Delete tag ``name``; the deletion is recorded in ``registry_history()``."""
        self._names.delete_tag(name, reason=reason)

    def set_alias(
        self, path: str, name: str, version: str | int | None = None, *, message: str = ""
    ) -> ArtifactVersion:
        """Point alias ``name`` of ``path`` at a version (the newest when None); recorded."""
        return self._names.set_alias(path, name, version, message=message)

    def remove_alias(self, path: str, name: str) -> None:
        self._names.remove_alias(path, name)

    def follow_alias(
        self, path: str, name: str, rule: str, version: str | int | None = None, *,
        message: str = "",
    ) -> ArtifactVersion:  # fmt: skip
        """Move ``path@name`` on each snapshot whose metric beats its holder's (``max acc``)."""
        return self._names.follow_alias(path, name, rule, version, message=message)

    def unfollow_alias(self, path: str, name: str) -> None:
        """Stop ``path@name`` following its metric; it stays where it is."""
        self._names.unfollow_alias(path, name)

    def alias_follows(self, path: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
        """``{path: {alias: {"rule", "mode", "metric", "value"}}}``."""
        return self._names.follows(path)

    def aliases(self, path: str | None = None) -> dict[str, dict[str, int]]:
        """``{path: {alias: version}}``."""
        return self._names.aliases(path)

    def alias_history(self, path: str | None = None) -> list[AliasEvent]:
        return self._names.alias_history(path)

    def register_model(self, name: str, ref: str, *, description: str = "") -> ModelVersion:
        """Link an artifact version (``PATH@vN``, ``PATH@alias``, a path's newest) to ``name``."""
        return self._names.register_model(name, ref, description=description)

    def promote_model(
        self, name: str, version: int, stage: Stage, *, reason: str = ""
    ) -> ModelVersion:
        """Move version ``version`` of model ``name`` to ``stage``; every move is recorded."""
        return self._names.promote_model(name, version, stage, reason=reason)

    def registered_models(self) -> list[RegisteredModel]:
        return self._names.registered_models()

    def registry_history(self, name: str | None = None) -> list[RegistryEvent]:
        return self._names.registry_history(name)

    # -- restoring (services.restore.Restorer) ---------------------------------
    def restore(
        self,
        paths: Iterable[str | Path] = (),
        *,
        to: str = "HEAD",
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> RestoreResult:
        """Restore ``paths`` (all files of the snapshot when empty) to their state at ``to``."""
        return self._restorer.restore(paths, to=to, dry_run=dry_run, progress=progress)

    def checkout(
        self, ref: str, *, dry_run: bool = False, progress: Progress | None = None
    ) -> RestoreResult:
        """Make the tracked files match snapshot ``ref``: files it lacks are deleted."""
        return self._restorer.checkout(ref, dry_run=dry_run, progress=progress)

    def cell_inputs(self, cell_id: str, *, notebook: str | None = None) -> list[dict[str, Any]]:
        """For each snapshot that recorded ``cell_id``: what it read and wrote, with versions."""
        return self._restorer.cell_inputs(cell_id, notebook=notebook)

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
        return self._restorer.restore_cell_inputs(
            cell_id, to=to, notebook=notebook, dry_run=dry_run, progress=progress
        )

    # -- maintenance (services.maintenance.Maintenance) -------------------------
    def verify(self, *, progress: Progress | None = None) -> VerifyReport:
        """Rehash every object; list corrupt ones and files snapshots need but the store lacks."""
        return self._maintenance.verify(progress=progress)

    def gc(self, *, dry_run: bool = True, progress: Progress | None = None) -> GcReport:
        """Remove objects no snapshot reaches (report only with ``dry_run``)."""
        return self._maintenance.gc(dry_run=dry_run, progress=progress)

    # -- branches (services.branches.Branches) -----------------------------------
    def current_branch(self) -> str:
        """The current branch's name (``main`` unless switched)."""
        return self.history.current_branch()

    def branches(self) -> BranchList:
        """Every branch, the current one marked, with ahead/behind against ``main``."""
        return self._branches.list()

    def create_branch(self, name: str, ref: str = "HEAD") -> BranchInfo:
        """Create branch ``name`` at the snapshot ``ref`` names."""
        return self._branches.create(name, ref)

    def delete_branch(self, name: str, *, force: bool = False) -> BranchDeleted:
        """Delete a merged branch (``force``: also one whose snapshots become unreachable)."""
        return self._branches.delete(name, force=force)

    def switch(
        self,
        name: str,
        *,
        create: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> SwitchResult:
        """Move the working tree to branch ``name`` (unsaved work kept) and make it current."""
        return self._branches.switch(name, create=create, dry_run=dry_run, progress=progress)

    # -- merge (services.merge.Merger) ------------------------------------------
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
        """Merge ``branch`` into the current branch, path by path from the common ancestor."""
        return self._merger.merge(
            branch, message=message, keys=keys, metrics=metrics, params=params, progress=progress
        )

    def merge_preview(self, branch: str, *, keys: Sequence[str] = ()) -> dict[str, Any]:
        """What :meth:`merge` would do, without touching the working tree."""
        return self._merger.preview(branch, keys)

    def merge_state(self) -> MergeState | None:
        """The merge waiting for its conflicts to be resolved, or None."""
        return self._merger.in_progress()

    def merge_abort(self, *, progress: Progress | None = None) -> MergeState:
        """Undo the merge in progress: the tree is the current snapshot's again."""
        return self._merger.abort(progress=progress)

    def merge_continue(
        self,
        *,
        message: str = "",
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> MergeResult:
        """Snapshot the resolved merge (two parents)."""
        return self._merger.continue_(message=message, metrics=metrics, params=params)

    def resolve_conflict(
        self, path: str, side: str | None = None, *, content: bytes | None = None
    ) -> MergeState:
        """Settle a conflict with ``ours``, ``theirs``, ``content``, or the file as it is now."""
        return self._merger.resolve(path, side, content)

    def merge_notebook(self, path: str) -> dict[str, Any]:
        """nbdime's base notebook and merge decisions for a conflicting notebook."""
        return self._merger.notebook_decisions(path)

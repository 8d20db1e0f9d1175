"""The one facade every surface (CLI, magic, widgets, REST) calls.

``Repository.open(path)`` finds the project by walking up from ``path``;
``Repository.init(path)`` creates one. Methods raise the typed errors of
:mod:`jupyter_mlversion.core.errors`; they never print or prompt.

The facade is split by concern into mixins (restore, names and registry,
maintenance) so that each file stays readable; this file holds opening,
tracking, status, snapshots and reading history.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import pointer
from .config import DEFAULT_CONFIG, Config
from .errors import (
    MlversionError,
    NameExistsError,
    NotAProjectError,
    ProjectExistsError,
    ReferenceNotFoundError,
    UnreadableFileError,
)
from .gitrefs import read_ref
from .ignore import IgnoreRules
from .index import Index, IndexedSnapshot
from .lock import project_lock
from .message import draft_message
from .model import FileEntry, Snapshot
from .paths import META_DIR, to_relative
from .repo_maintenance import MaintenanceMixin
from .repo_names import NamesMixin
from .repo_read import ReadMixin
from .repo_restore import RestoreMixin
from .repo_snapshot import SnapshotMixin
from .results import Status
from .worktree import current_ids, scan

if TYPE_CHECKING:
    from .history import History
    from .registry import Registry
    from .store import ObjectStore

HISTORY_DIR = "history.git"
MAIN_REF = "refs/heads/main"
_SYNC_BATCH = 500  # commits read per git process when (re)building the index


class Repository(SnapshotMixin, ReadMixin, RestoreMixin, NamesMixin, MaintenanceMixin):
    """A project: a folder holding ``.mlversion/``."""

    def __init__(self, root: Path, *, store_path: str | Path | None = None) -> None:
        self.root = root.resolve()
        self.meta = self.root / META_DIR
        self._store_path = store_path

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
            meta.mkdir(parents=True, exist_ok=True)
            (meta / "objects").mkdir(exist_ok=True)
            (meta / "journal").mkdir(exist_ok=True)
            (meta / "config.toml").write_text(DEFAULT_CONFIG, encoding="utf-8")
            # Keep the user's own git (if any) away from our folder.
            (meta / ".gitignore").write_text("*\n", encoding="utf-8")
            (meta / "tracked.json").write_text("[]\n", encoding="utf-8")
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
        return to_relative(self.root, path)

    # -- parts, created on first use -------------------------------------
    @cached_property
    def config(self) -> Config:
        return Config.load(self.meta)

    @cached_property
    def store(self) -> ObjectStore:
        from .store import ObjectStore

        cfg = self.config
        return ObjectStore(
            self.store_root,
            avg_chunk=cfg.chunk_avg,
            min_chunk=cfg.chunk_min,
            max_chunk=cfg.chunk_max,
        )

    @property
    def store_root(self) -> Path:
        """Folder of the objects: the open() argument, else MLVERSION_STORE, else config."""
        chosen = self._store_path or os.environ.get("MLVERSION_STORE") or self.config.store_path
        path = Path(chosen).expanduser()
        return path if path.is_absolute() else self.meta / path

    @cached_property
    def history(self) -> History:
        from .history import History

        return History(self.meta / HISTORY_DIR)

    @cached_property
    def registry(self) -> Registry:
        from .registry import Registry

        return Registry(self.history)

    @cached_property
    def index(self) -> Index:
        return Index(self.meta / "index.sqlite")

    @cached_property
    def ignore(self) -> IgnoreRules:
        return IgnoreRules(self.root)

    def close(self) -> None:
        """Release the index connection, pack handles and git helpers this object opened."""
        for part in ("index", "store", "history"):
            if part in self.__dict__:
                self.__dict__[part].close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock(self, what: str = "a snapshot") -> Any:
        return project_lock(self.meta / "lock", what=what)

    # -- tracked set -----------------------------------------------------
    def tracked_specs(self) -> list[str]:
        try:
            data = json.loads((self.meta / "tracked.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        return [str(p) for p in data]

    def _write_specs(self, specs: Iterable[str]) -> None:
        path = self.meta / "tracked.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(set(specs)), indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)

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
                    f"; it is inside tracked folder '{covering[0]}': add it to .mlversionignore"
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
        """Id of the newest snapshot, or None in a project without one."""
        return read_ref(self.meta / HISTORY_DIR, MAIN_REF)

    def head_state(self) -> tuple[str | None, dict[str, FileEntry]]:
        """The newest snapshot and its files, from the (synchronised) index."""
        head = self.head()
        self.sync_index(head)
        return head, self.index.head_files()

    def sync_index(self, head: str | None = None) -> None:
        """Bring ``index.sqlite`` up to date with history (rebuilding it if it was deleted)."""
        head = self.head() if head is None else head
        index = self.index
        if index.head == head:
            return
        if head is None:
            index.reset()
            return
        history = self.history
        start = index.head
        try:
            commits = history.rev_list(since=start)
        except ReferenceNotFoundError:  # the index describes another history: rebuild
            index.reset()
            start = None
            commits = history.rev_list(since=None)
        infos = {c.sha: c for c in history.log(head, limit=len(commits))}
        previous = index.head_files()
        names = (pointer.SNAPSHOT_JSON, pointer.MANIFEST_JSON)
        for first in range(0, len(commits), _SYNC_BATCH):
            batch = commits[first : first + _SYNC_BATCH]
            blobs = history.read_many([(sha, name) for sha in batch for name in names])
            for n, sha in enumerate(batch):
                info = infos[sha]
                meta = pointer.parse_metadata(blobs[2 * n])
                state = pointer.parse_manifest(blobs[2 * n + 1])
                row = IndexedSnapshot(
                    seq=0,
                    id=sha,
                    parents=tuple(info.parents),
                    author=info.author,
                    email=info.email,
                    time=info.time,
                    message=info.message,
                    summary={"metrics": meta.get("metrics", {}), "params": meta.get("params", {})},
                )
                if not index.add_snapshot(row, state, previous, meta.get("lineage", [])):
                    # Another process indexed this range meanwhile; start over from its head.
                    self.sync_index(head)
                    return
                previous = state
        return

    def status(self, *, progress: Any = None) -> Status:
        """What changed in the tracked files since the newest snapshot."""
        head, before = self.head_state()
        found = scan(self.root, [*self.tracked_specs(), *before], self.ignore)
        ids = current_ids(self.root, found.files, self.index, progress=progress)
        now = {
            rel: FileEntry(rel, oid, found.files[rel].st_size, self.config.kind_of(rel))
            for rel, oid in ids.items()
            if oid is not None
        }
        changes = tuple(self.with_versions(self.changes_between(before, now)))
        draft = draft_message(changes) if changes else None
        return Status(head, changes, len(now), draft)

    def ensure_can_tag(self, names: Sequence[str]) -> None:
        from .history_names import validate_ref_name

        existing = self.history.tags() if names else {}
        for name in names:
            validate_ref_name("tag", name)
            if name in existing:
                raise NameExistsError(
                    f"tag '{name}' already names snapshot {existing[name][:10]}; "
                    "tags never move: choose another name"
                )

    def snapshot_model(self, sha: str, *, full: bool = True) -> Snapshot:
        """Build the Snapshot value for commit ``sha``."""
        self.sync_index()
        row = self.index.snapshot(sha)
        if row is None:
            raise ReferenceNotFoundError(f"{sha} is not a snapshot of this project")
        meta: Mapping[str, Any] | None = None
        if full:
            blob = self.history.read_blobs(sha, [pointer.SNAPSHOT_JSON]).get(pointer.SNAPSHOT_JSON)
            meta = pointer.parse_metadata(blob)
        return row.to_snapshot(self.tags_by_snapshot().get(row.id, ()), meta)


__all__ = ["MlversionError", "Repository"]

"""Taking a snapshot: store what changed, commit one git commit, index it."""

# The mixins annotate ``self`` as the Repository they are mixed into, so that each
# body is checked against the whole facade; mypy flags that pattern itself ("misc").
# mypy: disable-error-code="misc"

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import blake3

from . import pointer
from .errors import ConcurrentUpdateError, FileChangedError, MlversionError, UnreadableFileError
from .identity import current_author, environment
from .index import IndexedSnapshot
from .message import count_lines, draft_message, is_vacuous
from .model import CellIO, Change, FileEntry
from .progress import Meter
from .results import SnapshotResult
from .worktree import scan, stat_digest, stat_key

if TYPE_CHECKING:
    from .repository import Repository

Progress = Callable[[int, int, str], None]
_RETRIES = 5
_ROW_COUNT_LIMIT = 256 << 20  # bytes: count rows of tables up to this size for messages
_TABLES = (".csv", ".tsv", ".jsonl")
_CLEAN = "clean_state"  # index meta key: "<head>:<stat digest>" of a tree known to match head


class SnapshotMixin:
    """``snapshot``: the heart of the engine."""

    def snapshot(
        self: Repository,
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
        rels = [self.relpath(p) for p in paths]
        missing = [r for r in rels if not (self.root / r).exists()]
        if missing:
            raise UnreadableFileError(
                f"{missing[0]}: no such file or folder in the project; check the path and retry"
            )
        with self.lock():
            if rels:
                self._write_specs([*self.tracked_specs(), *rels])
            specs = self.tracked_specs()
            for _attempt in range(_RETRIES):
                try:
                    return self._snapshot_once(
                        specs,
                        message=message,
                        metrics=dict(metrics or {}),
                        params=dict(params or {}),
                        tags=list(tags),
                        env=environment,
                        lineage=lineage,
                        author=author,
                        allow_empty=allow_empty,
                        progress=progress,
                    )
                except ConcurrentUpdateError:
                    continue  # another host moved main; recompute against the new head
            raise ConcurrentUpdateError(
                "history kept moving while snapshotting (another user?); retry in a moment"
            )

    def _snapshot_once(
        self: Repository,
        specs: list[str],
        *,
        message: str,
        metrics: dict[str, float],
        params: dict[str, Any],
        tags: list[str],
        env: Mapping[str, Any] | None,
        lineage: Sequence[CellIO],
        author: tuple[str, str] | None,
        allow_empty: bool,
        progress: Progress | None,
    ) -> SnapshotResult:
        head = self.head()
        self.sync_index(head)
        found = scan(self.root, specs, self.ignore)
        warnings = [f"skipped {s}" for s in found.skipped]
        plain = not (metrics or params or lineage or tags or allow_empty)
        if plain and head is not None and self._known_clean(head, found.files):
            return SnapshotResult(None, (), tuple(warnings), None)
        before = self.index.head_files()
        if not found.files and not before and not allow_empty:
            raise MlversionError(
                "nothing to snapshot: this project tracks no files yet; "
                "give the files or folders to version, e.g. 'mlversion snapshot data/ model.pkl'"
            )
        notebooks: dict[str, bytes] = {}
        now = self._identify(found.files, before, notebooks, warnings, progress)
        changes = self.changes_between(before, now)
        # Only metrics or params need the previous snapshot (and its tags, hence git).
        previous = self.snapshot_model(head, full=False) if head and (metrics or params) else None
        metadata_changed = bool(lineage) or (
            (metrics or params)
            and (previous is None or metrics != previous.metrics or params != previous.params)
        )
        if not changes and not metadata_changed and not allow_empty:
            if tags and head:
                self.ensure_can_tag(tags)
                for name in tags:
                    self.history.create_tag(
                        name, head, message=message or name, author=author or current_author()
                    )
            return SnapshotResult(None, (), tuple(warnings), None)
        if tags:
            self.ensure_can_tag(tags)

        suggested = draft_message(changes, metrics, self._row_counts)
        if is_vacuous(message):
            warnings.append(
                f"the message {message!r} does not say what changed; suggested: {suggested!r}"
                if message.strip()
                else "no message given; used a summary of what changed"
            )
        commit_message = message.strip() or suggested
        resolved = _resolve_lineage(lineage, now, found.files)
        lineage_rows = [c.to_dict() for c in resolved]
        meta: dict[str, Any] = {
            "metrics": metrics,
            "params": params,
            "environment": dict(env) if env is not None else environment(),
            "lineage": lineage_rows,
            "tracked": sorted(specs),
        }
        git_changes: dict[str, bytes | None] = {
            pointer.SNAPSHOT_JSON: pointer.metadata_bytes(meta),
            pointer.MANIFEST_JSON: pointer.manifest_bytes(now),
        }
        for change in changes:
            if change.new is None:
                git_changes[change.path] = None
            elif change.new.kind == "notebook":
                git_changes[change.path] = notebooks[change.path]
            else:
                git_changes[change.path] = pointer.pointer_bytes(change.new)
        who = author or current_author()
        when = time.time()
        sha = self.history.commit(
            git_changes, parent=head, message=commit_message, author=who, time=when
        )
        row = IndexedSnapshot(
            seq=0,
            id=sha,
            parents=(head,) if head else (),
            author=who[0],
            email=who[1],
            time=_iso(when),
            message=commit_message,
            summary={"metrics": metrics, "params": params},
        )
        if self.index.add_snapshot(row, now, before, lineage_rows):
            self.index.set_meta(_CLEAN, f"{sha}:{stat_digest(found.files)}")
        else:
            self.sync_index()
        for name in tags:
            self.history.create_tag(name, sha, message=commit_message, author=who)
        snap = self.snapshot_model(sha)
        return SnapshotResult(
            snap,
            tuple(self.with_versions(changes)),
            tuple(warnings),
            suggested if is_vacuous(message) else None,
        )

    def _known_clean(self: Repository, head: str, files: Mapping[str, os.stat_result]) -> bool:
        """True when the files are exactly ``head``'s, without reading any of them.

        The digest of every file's stat, taken when the tree was last known to match a
        snapshot, answers in one lookup; otherwise each stat is compared with the cache.
        """
        key = f"{head}:{stat_digest(files)}"
        if self.index.get_meta(_CLEAN) == key:
            return True
        if _unchanged(files, self.index.head_stats()):
            self.index.set_meta(_CLEAN, key)
            return True
        return False

    def _identify(
        self: Repository,
        files: Mapping[str, os.stat_result],
        before: Mapping[str, FileEntry],
        notebooks: dict[str, bytes],
        warnings: list[str],
        progress: Progress | None,
    ) -> dict[str, FileEntry]:
        """Each file's entry now; new content is stored (notebooks are kept for git)."""
        cache = self.index.stat_cache()
        now: dict[str, FileEntry] = {}
        todo: list[str] = []
        for rel, st in files.items():
            cached = cache.get(rel)
            old = before.get(rel)
            if cached is not None and cached[0] == stat_key(st):
                oid = cached[1]
                kind = old.kind if old is not None else self.config.kind_of(rel)
                if old is not None and old.id == oid:
                    now[rel] = old
                    continue
                if kind != "notebook" and self.store.has(oid):
                    now[rel] = FileEntry(rel, oid, st.st_size, kind)
                    continue
            todo.append(rel)
        if not todo:  # nothing to store: do not even open the store (it imports the chunker)
            return now
        meter = Meter(progress, sum(files[r].st_size for r in todo))
        fresh = []
        limit = self.config.size_warning
        with self.store.batch():
            for rel in sorted(todo):
                st = files[rel]
                kind = self.config.kind_of(rel)
                if limit and st.st_size > limit:
                    warnings.append(f"{rel} is {st.st_size / 2**30:.1f} GiB")

                if kind == "notebook":
                    data, st = _read_stable(self.root / rel, rel)
                    oid = blake3.blake3(data).hexdigest()
                    notebooks[rel] = data
                    size = len(data)
                else:
                    oid, size = self.store.put_file(self.root / rel, progress=meter.file(rel))
                now[rel] = FileEntry(rel, oid, size, kind)
                fresh.append((rel, stat_key(st), oid))
                meter.finished(files[rel].st_size, rel)
        meter.close()
        # Remember stats only once the objects are durable (the batch has closed).
        self.index.remember(fresh)
        # A notebook that did not change but whose bytes we need later is read from git.
        return now

    def changes_between(
        self, before: Mapping[str, FileEntry], after: Mapping[str, FileEntry]
    ) -> list[Change]:
        """Added, removed and modified files from one state to another, sorted by path."""
        out: list[Change] = []
        for path in sorted(set(before) | set(after)):
            old, new = before.get(path), after.get(path)
            if old is None and new is not None:
                out.append(Change(path, "added", None, new))
            elif new is None and old is not None:
                out.append(Change(path, "removed", old, None))
            elif old is not None and new is not None and old.id != new.id:
                out.append(Change(path, "modified", old, new))
        return out

    def _row_counts(self: Repository, change: Change) -> tuple[int | None, int | None]:
        """Line counts of a table before and after, for drafting a message (small tables)."""
        old, new = change.old, change.new
        if old is None or new is None or not change.path.endswith(_TABLES):
            return None, None
        if max(old.size, new.size) > _ROW_COUNT_LIMIT:
            return None, None
        try:
            return count_lines(self.store.iter_bytes(old.id)), count_lines(
                self.store.iter_bytes(new.id)
            )
        except MlversionError:
            return None, None


def _unchanged(files: Mapping[str, os.stat_result], head: Mapping[str, tuple[Any, ...]]) -> bool:
    """True when the files are exactly the head's and each one's stat matches its cached id.

    A cheap, exact "nothing changed" (no file is read); any doubt goes down the full path.
    """
    if len(files) != len(head):
        return False
    for rel, st in files.items():
        row = head.get(rel)
        if (
            row is None
            or row[0] != row[5]
            or row[1:5] != (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        ):
            return False
    return True


def _read_stable(path: Path, rel: str) -> tuple[bytes, os.stat_result]:
    """Read a small file whole, retrying once if it changes while read."""
    for _ in range(2):
        try:
            before = path.stat()
            data = path.read_bytes()
            after = path.stat()
        except FileNotFoundError:
            raise UnreadableFileError(f"{rel} vanished while it was being snapshotted") from None
        except OSError as exc:
            raise UnreadableFileError(f"cannot read {rel}: {exc.strerror}") from None
        if stat_key(before) == stat_key(after):
            return data, after
    raise FileChangedError(f"{rel} kept changing while it was read; save it and retry")


def _resolve_lineage(
    lineage: Sequence[CellIO],
    now: Mapping[str, FileEntry],
    stats: Mapping[str, os.stat_result],
) -> list[CellIO]:
    """Give each file a cell read or wrote the id it has in this snapshot, when unchanged since.

    The kernel records a file's size and mtime when the cell touched it; if the
    file differs now, the entry is marked ``changed_since`` instead of being
    attributed content the cell never saw.
    """
    out = []
    for cell in lineage:
        parts: dict[str, list[dict[str, Any]]] = {"reads": [], "writes": []}
        for role in ("reads", "writes"):
            for item in getattr(cell, role):
                entry = dict(item)
                path = str(entry["path"])
                current, st = now.get(path), stats.get(path)
                seen = (entry.get("size"), entry.get("mtime_ns"))
                same = (
                    current is not None
                    and st is not None
                    and seen in ((None, None), (st.st_size, st.st_mtime_ns))
                    and entry.get("id") in (None, current.id)
                )
                if same and current is not None:
                    entry["id"] = current.id
                    entry["changed_since"] = False
                else:
                    entry.setdefault("id", None)
                    entry["changed_since"] = True
                parts[role].append(entry)
        out.append(
            CellIO(
                cell.cell_id,
                cell.execution_count,
                cell.notebook,
                tuple(parts["reads"]),
                tuple(parts["writes"]),
            )
        )
    return out


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))

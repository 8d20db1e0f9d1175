"""Taking a snapshot: decide the scope, store what changed, commit, index, consume journals."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import blake3

from .. import pointer, unfetched
from ..atomic import atomic_write
from ..errors import ConcurrentUpdateError, FileChangedError, MlversionError, UnreadableFileError
from ..identity import current_author, environment
from ..index import IndexedSnapshot
from ..journal import Journals, to_lineage
from ..message import count_lines, draft_message, is_vacuous
from ..model import CellIO, Change, FileEntry
from ..progress import Meter, Progress
from ..results import Recorded, SnapshotResult, Status
from ..worktree import Scan, current_ids, scan, stat_digest, stat_key
from .followers import move_followers
from .scope import Scope, SnapshotRequest, novel_cells, plan

if TYPE_CHECKING:
    from pathlib import Path

    from ..parts import Parts
    from .read import Reader

_RETRIES = 5
_ROW_COUNT_LIMIT = 256 << 20  # bytes: count rows of tables up to this size for messages
_TABLES = (".csv", ".tsv", ".jsonl")
_CLEAN = "clean_state"  # index meta key: "<head>:<stat digest>" of files known to match head
_NAMED_LIMIT = 20  # files looked up to say which snapshot already holds them


class CreateTag(Protocol):
    """Create (and record) tag ``name`` on snapshot ``sha``: the names service's job."""

    def __call__(self, name: str, sha: str, *, message: str, author: tuple[str, str]) -> None: ...


class SnapshotService:
    """The snapshot use-case: one decision of what a snapshot holds, for every surface."""

    def __init__(
        self,
        parts: Parts,
        reader: Callable[[], Reader],
        *,
        head: Callable[[], str | None],
        sync_index: Callable[..., None],
        ensure_can_tag: Callable[[Sequence[str]], None],
        create_tag: CreateTag,
    ) -> None:
        self.parts = parts
        self._reader = reader  # made on first use: "nothing changed" never needs it
        self.head = head
        self.sync_index = sync_index
        self.ensure_can_tag = ensure_can_tag
        self.create_tag = create_tag
        self.journals = Journals(parts.meta)

    def scope(self, request: SnapshotRequest, before: Collection[str]) -> Scope:
        parts = self.parts
        return plan(
            request,
            root=parts.root,
            journals=self.journals,
            tracked=parts.tracked_specs(),
            patterns=parts.config.track_patterns,
            before=before,
            recorded=parts.index.lineage_paths,
        )

    @property
    def reader(self) -> Reader:
        return self._reader()

    def _look(self, request: SnapshotRequest) -> tuple[str | None, set[str], Scope, Scan]:
        """The head, its files' paths, the request's scope and the files found in it now."""
        head = self.head()
        self.sync_index(head)
        paths = self.parts.index.head_paths()
        scope = self.scope(request, paths)
        return head, paths, scope, scan(self.parts.root, scope.specs, self.parts.ignore)

    def status(self, request: SnapshotRequest, progress: Progress | None = None) -> Status:
        """What a snapshot of ``request`` would record now, without storing anything."""
        parts = self.parts
        head, _paths, scope, found = self._look(request)
        before = parts.index.head_files()
        ids = current_ids(parts.root, found.files, parts.index, progress=progress)
        now = scope.kept(before)
        kind_of = parts.config.kind_of
        for rel, oid in ids.items():
            if oid is not None:
                old = before.get(rel)
                kind = old.kind if old is not None else kind_of(rel)
                now[rel] = FileEntry(rel, oid, found.files[rel].st_size, kind)
        unfetched.keep(parts.meta, parts.root, before, now)
        changes = tuple(self.reader.with_versions(changes_between(before, now)))
        resolved = resolve_lineage(to_lineage(scope.pending.cells, parts.root), now, found.files)
        cells = tuple(novel_cells(resolved, parts.index.lineage_of))
        metrics, params = scope.pending.metrics, scope.pending.params
        if head and (metrics or params):
            previous = self.reader.snapshot_model(head, full=False)
            metrics = {k: v for k, v in metrics.items() if previous.metrics.get(k) != v}
            params = {k: v for k, v in params.items() if previous.params.get(k) != v}
        draft = draft_message(changes, metrics) if changes else None
        return Status(head, changes, len(now), draft, cells, dict(metrics), dict(params))

    def take(self, request: SnapshotRequest, progress: Progress | None = None) -> SnapshotResult:
        """Snapshot under the project lock, which the caller holds; retried on a moved head."""
        for _attempt in range(_RETRIES):
            try:
                return self._once(request, progress)
            except ConcurrentUpdateError:
                continue  # another host moved main; recompute against the new head
        raise ConcurrentUpdateError(
            "history kept moving while snapshotting (another user?); retry in a moment"
        )

    def _once(self, request: SnapshotRequest, progress: Progress | None) -> SnapshotResult:
        parts = self.parts
        head, paths, scope, found = self._look(request)
        parts.sweep_temps(parts.root / rel for rel in found.temps)  # a killed restore's
        warnings = [f"skipped {s}" for s in found.skipped]
        quiet = request.plain and scope.pending.empty
        if quiet and head is not None and self._known_clean(head, scope, paths, found.files):
            return self._nothing(request, scope, None, warnings)
        before = parts.index.head_files()
        if not found.files and not before and not request.allow_empty:
            raise MlversionError(
                "nothing to snapshot: this project tracks no files yet; "
                "give the files or folders to version, e.g. 'mlversion snapshot data/ model.pkl'"
            )
        notebooks: dict[str, bytes] = {}
        now = scope.kept(before)
        now.update(self._identify(found.files, before, notebooks, warnings, progress))
        unfetched.keep(parts.meta, parts.root, before, now)
        changes = changes_between(before, now)
        metrics = {**scope.pending.metrics, **request.metrics}
        params = {**scope.pending.params, **request.params}
        resolved = resolve_lineage(to_lineage(scope.pending.cells, parts.root), now, found.files)
        fresh_cells = novel_cells(resolved, parts.index.lineage_of)
        # Only metrics or params need the previous snapshot (and its tags, hence git).
        previous = (
            self.reader.snapshot_model(head, full=False) if head and (metrics or params) else None
        )
        values_changed = bool(metrics or params) and (
            previous is None or metrics != previous.metrics or params != previous.params
        )
        wanted = request.allow_empty or bool(request.merge_parents)
        if not changes and not fresh_cells and not values_changed and not wanted:
            self._tag(request, head)
            self.journals.consume(scope.pending, atomic_write)
            return self._nothing(request, scope, now, warnings)
        if request.tags:
            self.ensure_can_tag(request.tags)
        env = request.environment or scope.pending.environment or environment()
        suggested = draft_message(changes, metrics, self._row_counts)
        sha, snap = self._commit(
            request.message.strip() or suggested,
            request,
            head,
            now,
            changes,
            notebooks,
            resolved,
            (metrics, params, env),
        )
        if parts.index.add_snapshot(snap[0], now, before, snap[1]):
            parts.index.set_meta(_CLEAN, f"{sha}:{stat_digest(found.files)}")
        else:
            self.sync_index()
        self.journals.consume(scope.pending, atomic_write)
        for name in request.tags:
            self.create_tag(name, sha, message=snap[0].message, author=_who(request, snap[0]))
        # Aliases that follow a metric move here, for every surface (see services.followers).
        move_followers(parts, self.reader.version_of, now, metrics, _who(request, snap[0]))
        return SnapshotResult(
            self.reader.snapshot_model(sha),
            tuple(self.reader.with_versions(changes)),
            tuple(warnings) + _vacuous(request.message, suggested),
            suggested if is_vacuous(request.message) else None,
        )

    def _commit(
        self,
        message: str,
        request: SnapshotRequest,
        head: str | None,
        now: Mapping[str, FileEntry],
        changes: Sequence[Change],
        notebooks: Mapping[str, bytes],
        lineage: Sequence[CellIO],
        values: tuple[dict[str, float], dict[str, Any], Mapping[str, Any]],
    ) -> tuple[str, tuple[IndexedSnapshot, list[dict[str, Any]]]]:
        """One git commit holding the new state; returns its id and its index row."""
        parts = self.parts
        metrics, params, env = values
        lineage_rows = [c.to_dict() for c in lineage]
        meta: dict[str, Any] = {
            "metrics": metrics,
            "params": params,
            "environment": dict(env),
            "lineage": lineage_rows,
            "tracked": sorted(parts.tracked_specs()),
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
        who = request.author or current_author()
        when = time.time()
        sha = parts.history.commit(
            git_changes,
            parent=head,
            message=message,
            author=who,
            time=when,
            merge_parents=request.merge_parents,
        )
        row = IndexedSnapshot(
            seq=0,
            id=sha,
            parents=((head,) if head else ()) + request.merge_parents,
            author=who[0],
            email=who[1],
            time=_iso(when),
            message=message,
            summary={"metrics": metrics, "params": params},
        )
        return sha, (row, lineage_rows)

    def _tag(self, request: SnapshotRequest, head: str | None) -> None:
        """Tags asked for with nothing to snapshot name the current snapshot."""
        if not (request.tags and head):
            return
        self.ensure_can_tag(request.tags)
        who = request.author or current_author()
        for name in request.tags:
            self.create_tag(name, head, message=request.message or name, author=who)

    def _nothing(
        self,
        request: SnapshotRequest,
        scope: Scope,
        now: Mapping[str, FileEntry] | None,
        warnings: list[str],
    ) -> SnapshotResult:
        """No snapshot: say which snapshot already holds each named file as it is now.

        ``now`` None: the files are the head's (found unchanged from their stats alone).
        """
        index = self.parts.index
        if not scope.named:
            return SnapshotResult(None, (), tuple(warnings), None)
        if now is None:
            now = index.head_files()
        recorded = []
        named = [p for p in scope.named if p in now] or [
            p for p in now if any(p.startswith(n + "/") for n in scope.named)
        ]
        for path in sorted(named)[:_NAMED_LIMIT]:
            row = index.recorded_by(path, now[path].id)
            if row is not None:
                recorded.append(Recorded(path, row.id, row.author, row.message, row.time))
        return SnapshotResult(None, (), tuple(warnings), None, tuple(recorded))

    def _known_clean(
        self,
        head: str,
        scope: Scope,
        before: Collection[str],
        files: Mapping[str, os.stat_result],
    ) -> bool:
        """True when the files in scope are exactly ``head``'s, without reading any of them.

        The digest of every file's stat, taken when the tree was last known to match a
        snapshot, answers in one lookup; otherwise each stat is compared with the cache.
        """
        index = self.parts.index
        key = f"{head}:{stat_digest(files)}"
        if index.get_meta(_CLEAN) == key:
            return True
        stats = index.head_stats()
        if len(before) != len(files):
            inside = {p: stats[p] for p in before if p in stats and scope.contains(p)}
        else:
            inside = stats
        if _unchanged(files, inside):
            index.set_meta(_CLEAN, key)
            return True
        return False

    def _identify(
        self,
        files: Mapping[str, os.stat_result],
        before: Mapping[str, FileEntry],
        notebooks: dict[str, bytes],
        warnings: list[str],
        progress: Progress | None,
    ) -> dict[str, FileEntry]:
        """Each file's entry now; new content is stored (notebooks are kept for git)."""
        parts = self.parts
        config = parts.config
        cache = parts.index.stat_cache()
        now: dict[str, FileEntry] = {}
        todo: list[str] = []
        for rel, st in files.items():
            cached = cache.get(rel)
            old = before.get(rel)
            if cached is not None and cached[0] == stat_key(st):
                oid = cached[1]
                kind = old.kind if old is not None else config.kind_of(rel)
                if old is not None and old.id == oid:
                    now[rel] = old
                    continue
                if kind != "notebook" and parts.store.has(oid):
                    now[rel] = FileEntry(rel, oid, st.st_size, kind)
                    continue
            todo.append(rel)
        if not todo:  # nothing to store: do not even open the store (it imports the chunker)
            return now
        meter = Meter(progress, sum(files[r].st_size for r in todo))
        fresh = []
        limit = config.size_warning
        with parts.store.batch():
            for rel in sorted(todo):
                st = files[rel]
                kind = config.kind_of(rel)
                if limit and st.st_size > limit:
                    warnings.append(f"{rel} is {st.st_size / 2**30:.1f} GiB")

                if kind == "notebook":
                    data, st = _read_stable(parts.root / rel, rel)
                    oid = blake3.blake3(data).hexdigest()
                    notebooks[rel] = data
                    size = len(data)
                else:
                    oid, size = parts.store.put_file(parts.root / rel, progress=meter.file(rel))
                now[rel] = FileEntry(rel, oid, size, kind)
                fresh.append((rel, stat_key(st), oid))
                meter.finished(files[rel].st_size, rel)
        meter.close()
        # Remember stats only once the objects are durable (the batch has closed).
        parts.index.remember(fresh)
        return now

    def _row_counts(self, change: Change) -> tuple[int | None, int | None]:
        """Line counts of a table before and after, for drafting a message (small tables)."""
        old, new = change.old, change.new
        if old is None or new is None or not change.path.endswith(_TABLES):
            return None, None
        if max(old.size, new.size) > _ROW_COUNT_LIMIT:
            return None, None
        store = self.parts.store
        try:
            return count_lines(store.iter_bytes(old.id)), count_lines(store.iter_bytes(new.id))
        except MlversionError:
            return None, None


def changes_between(
    before: Mapping[str, FileEntry], after: Mapping[str, FileEntry]
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


def resolve_lineage(
    lineage: Sequence[CellIO],
    now: Mapping[str, FileEntry],
    stats: Mapping[str, os.stat_result],
) -> list[CellIO]:
    """Give each file a cell read or wrote the id it has in this snapshot, when unchanged since.

    The kernel records a file's size and mtime when the cell touched it; if the file differs
    now, the entry is marked ``changed_since`` instead of being attributed content the cell
    never saw.
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


def _vacuous(message: str, suggested: str) -> tuple[str, ...]:
    if not is_vacuous(message):
        return ()
    if message.strip():
        return (f"the message {message!r} does not say what changed; suggested: {suggested!r}",)
    return ("no message given; used a summary of what changed",)


def _who(request: SnapshotRequest, row: IndexedSnapshot) -> tuple[str, str]:
    return request.author or (row.author, row.email)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))

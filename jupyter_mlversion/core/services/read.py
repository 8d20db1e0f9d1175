"""Reading history: log, show, references, versions and diffs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, cast

import blake3

from .. import pointer
from ..errors import CorruptObjectError, ReferenceNotFoundError
from ..history_git import GitFailed
from ..index import BRANCH_DELETED
from ..model import ArtifactVersion, Change, FileEntry, Kind, Snapshot, ValueDelta
from ..parts import Parts
from ..refs import ArtifactRef, split_artifact_ref
from ..results import Diff

#: What changed from one file map to another (the snapshot use-case defines it).
ChangesBetween = Callable[[Mapping[str, FileEntry], Mapping[str, FileEntry]], list[Change]]

_HEAD_N = re.compile(r"^HEAD(~\d+|\^+)?$")


class Reader:
    """Everything that reads snapshots without changing the project.

    ``tags_by_snapshot`` and ``aliases`` come from the names service (which itself resolves
    references here), ``head`` and ``sync_index`` from the facade's index upkeep.
    """

    def __init__(
        self,
        parts: Parts,
        *,
        head: Callable[[], str | None],
        sync_index: Callable[[], None],
        tags_by_snapshot: Callable[[], dict[str, list[str]]],
        aliases: Callable[[str], dict[str, dict[str, int]]],
        changes_between: ChangesBetween,
    ) -> None:
        self._parts = parts
        self._head = head
        self._sync = sync_index
        self._tags_by_snapshot = tags_by_snapshot
        self._aliases = aliases
        self._changes = changes_between

    def log(
        self,
        *,
        path: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        branch: str | None = None,
    ) -> list[Snapshot]:
        """Snapshots of a branch newest first; only those that changed ``path`` and match ``query``.

        ``query`` matches (case-insensitively) the message, the author, an id prefix or a tag.
        ``branch``: None is the current branch, ``*`` every branch.
        """
        self._sync()
        rel = None if path is None else self._parts.relpath(path)
        tags = self._tags_by_snapshot()
        hits = _tag_hits(tags, query)
        index = self._parts.index
        members = self._members(branch)
        if members is None:
            rows = index.snapshots(path=rel, query=query, ids=hits, limit=limit, offset=offset)
        else:
            every = [r for r in index.snapshots(path=rel, query=query, ids=hits) if r.id in members]
            rows = every[offset : None if limit is None else offset + limit]
        return [r.to_snapshot(tags.get(r.id, ())) for r in rows]

    def count(
        self, *, path: str | None = None, query: str | None = None, branch: str | None = None
    ) -> int:
        """How many snapshots :meth:`log` would list without a limit."""
        self._sync()
        hits = _tag_hits(self._tags_by_snapshot(), query) if query else []
        rel = None if path is None else self._parts.relpath(path)
        members = self._members(branch)
        if members is None:
            return self._parts.index.count(path=rel, query=query, ids=hits)
        rows = self._parts.index.snapshots(path=rel, query=query, ids=hits)
        return sum(1 for r in rows if r.id in members)

    def _members(self, branch: str | None) -> set[str] | None:
        """Ids of the snapshots on ``branch`` (``*``: any), or None when that is every one."""
        history = self._parts.history
        heads = history.branches()
        if branch == "*":
            tips = sorted(set(heads.values()))
        else:
            name = history.current_branch() if branch is None else branch
            if branch is not None and name not in heads:
                known = ", ".join(sorted(heads)) or "none yet"
                raise ReferenceNotFoundError(
                    f"no branch '{branch}' (branches: {known}); 'mlversion branch' lists them"
                )
            tips = [heads[name]] if name in heads else []
        index = self._parts.index
        # One branch, none ever deleted, nothing fetched beyond it: every indexed snapshot is
        # on it (no git walk). Fetched snapshots are indexed too, so they force the walk.
        if (
            len(heads) <= 1
            and index.get_meta(BRANCH_DELETED) is None
            and history.snapshot_tips() <= set(heads.values())
        ):
            return None
        ids = history.reachable(tips)
        if len(ids) == index.count():
            return None
        return set(ids)

    def snapshot_model(self, sha: str, *, full: bool = True) -> Snapshot:
        """The Snapshot value for commit ``sha`` (``full``: with its stored metadata)."""
        self._sync()
        row = self._parts.index.snapshot(sha)
        if row is None:
            raise ReferenceNotFoundError(f"{sha} is not a snapshot of this project")
        meta: Mapping[str, Any] | None = None
        if full:
            blobs = self._parts.history.read_blobs(sha, [pointer.SNAPSHOT_JSON])
            meta = pointer.parse_metadata(blobs.get(pointer.SNAPSHOT_JSON))
        return row.to_snapshot(self._tags_by_snapshot().get(row.id, ()), meta)

    def show(self, ref: str = "HEAD") -> tuple[Snapshot, list[FileEntry]]:
        """A snapshot's metadata and its files."""
        sha = self.resolve(ref)
        return self.snapshot_model(sha), sorted(self.files_at(sha).values(), key=_by_path)

    def files_at(self, sha: str) -> dict[str, FileEntry]:
        """Every file of snapshot ``sha``."""
        blobs = self._parts.history.read_blobs(sha, [pointer.MANIFEST_JSON])
        return pointer.parse_manifest(blobs.get(pointer.MANIFEST_JSON))

    def resolve(self, ref: str) -> str:
        """Snapshot id a reference names (``HEAD~2``, tag, prefix, ``PATH@v3``...)."""
        ref = ref.strip()
        if split_artifact_ref(ref) is not None:
            return self.resolve_artifact(ref).snapshot
        if self._head() is None:
            raise ReferenceNotFoundError(
                f"'{ref}' names nothing: this project has no snapshot yet; "
                "take one with 'mlversion snapshot PATH...'"
            )
        sha = self._parts.history.rev_parse(ref)
        if sha is None:
            hint = "'mlversion log' lists snapshots and 'mlversion tag' lists tags"
            if _HEAD_N.match(ref):
                hint = f"the history has {self.count()} snapshot(s)"
            raise ReferenceNotFoundError(f"unknown reference '{ref}'; {hint}")
        return sha

    def resolve_artifact(self, ref: str) -> ArtifactVersion:
        """The artifact version ``PATH@vN`` / ``PATH@alias`` / ``PATH@snapshot`` names."""
        parsed = split_artifact_ref(ref)
        if parsed is None:
            raise ReferenceNotFoundError(
                f"'{ref}' is not an artifact reference; write PATH@v2, PATH@best or PATH@HEAD"
            )
        return self._artifact(parsed)

    def _artifact(self, parsed: ArtifactRef) -> ArtifactVersion:
        rel = self._parts.relpath(parsed.path)
        versions = self.versions(rel)
        number = parsed.version
        if number is None:
            number = self._aliases(rel).get(rel, {}).get(parsed.selector)
        if number is not None:
            if number >= len(versions):
                raise ReferenceNotFoundError(
                    f"no version 'v{number}' of {rel} (it has v0..v{len(versions) - 1}); "
                    f"try 'mlversion versions {rel}'"
                )
            return versions[number]
        # Otherwise the selector is a snapshot reference: the version the path had there.
        try:
            sha = self.resolve(parsed.selector)
        except ReferenceNotFoundError:
            raise ReferenceNotFoundError(
                f"'{parsed.selector}' is neither a version (v0..v{len(versions) - 1}), an alias "
                f"of {rel}, nor a snapshot; try 'mlversion versions {rel}'"
            ) from None
        entry = self.files_at(sha).get(rel)
        if entry is None:
            raise ReferenceNotFoundError(f"{rel} is not in snapshot {sha[:10]}")
        for version in versions:
            if version.id == entry.id:
                return version
        raise ReferenceNotFoundError(f"{rel} at {sha[:10]} has no recorded version")

    def versions(
        self, path: str, *, aliases: Mapping[str, Mapping[str, int]] | None = None
    ) -> list[ArtifactVersion]:
        """``v0..vN`` of a path: each distinct content, in order of first appearance.

        ``aliases`` (``{path: {alias: version}}``) spares a read of the registry when the
        caller asks for many paths.
        """
        self._sync()
        rel = self._parts.relpath(path)
        out = self.indexed_versions(rel, self._aliases(rel) if aliases is None else aliases)
        if out is None:
            raise ReferenceNotFoundError(
                f"{rel} is in no snapshot; snapshot it first with 'mlversion snapshot {rel}'"
            )
        return out

    def indexed_versions(
        self, rel: str, aliases: Mapping[str, Mapping[str, int]]
    ) -> list[ArtifactVersion] | None:
        """:meth:`versions` of a path the synchronised index names (None: in no snapshot).

        For callers that walk paths taken from the index (lineage), so each is neither
        resolved against the disk again nor the index re-checked against history.
        """
        rows = self._parts.index.path_history(rel)
        if not rows:
            return None
        by_version: dict[int, list[str]] = {}
        for name, number in aliases.get(rel, {}).items():
            by_version.setdefault(number, []).append(name)
        seen: set[str] = set()
        out: list[ArtifactVersion] = []
        for snapshot, oid, size, kind_text, when in rows:
            if oid is None or oid in seen:
                continue
            seen.add(oid)
            number = len(out)
            names = tuple(sorted(by_version.get(number, ())))
            out.append(
                ArtifactVersion(
                    rel, number, oid, size, cast(Kind, kind_text), snapshot, when, names
                )
            )
        return out

    def version_of(self, path: str, oid: str | None) -> int | None:
        """The ``vN`` number content ``oid`` has among ``path``'s versions, or None."""
        if oid is None:
            return None
        try:
            versions = self.versions(path)
        except ReferenceNotFoundError:
            return None
        return next((v.version for v in versions if v.id == oid), None)

    def with_versions(self, changes: Iterable[Change], limit: int = 200) -> list[Change]:
        """Changes with ``vN`` numbers filled in from the index (skipped for huge change sets)."""
        changes = list(changes)
        if len(changes) > limit:
            return changes
        out = []
        for change in changes:
            ids: list[str] = []
            for _snap, oid, *_rest in self._parts.index.path_history(change.path):
                if oid is not None and oid not in ids:
                    ids.append(oid)

            def number(entry: FileEntry | None, ids: list[str] = ids) -> int | None:
                return ids.index(entry.id) if entry is not None and entry.id in ids else None

            out.append(
                replace(change, old_version=number(change.old), new_version=number(change.new))
            )
        return out

    def read_bytes(self, entry: FileEntry, snapshot: str) -> Iterator[bytes]:
        """Stream a stored file's bytes, verified against its id (notebooks too)."""
        if entry.kind == "notebook":
            try:
                data = self._parts.history.read_blobs(snapshot, [entry.path]).get(entry.path)
            except GitFailed:
                data = b""  # an object git cannot read: reported as damaged just below
            if data is None:
                raise ReferenceNotFoundError(f"{entry.path} is not in snapshot {snapshot[:10]}")
            if blake3.blake3(data).hexdigest() != entry.id:
                raise CorruptObjectError(
                    f"{entry.path} at snapshot {snapshot[:10]} is damaged in history.git (its "
                    f"bytes do not match its id {entry.id[:12]}); nothing was written. Run "
                    "'mlversion verify' to see what else it affects, and restore history.git "
                    "from a backup or a clone"
                )
            return iter((data,))
        return self._parts.store.iter_bytes(entry.id)

    def diff(self, old: str = "HEAD~1", new: str = "HEAD") -> Diff:
        """Files added, removed and modified, and metric and param deltas, from old to new."""
        old_sha, new_sha = self.resolve(old), self.resolve(new)
        before, after = self.files_at(old_sha), self.files_at(new_sha)
        changes = self.with_versions(self._changes(before, after), limit=10**9)
        a, b = self.snapshot_model(old_sha), self.snapshot_model(new_sha)
        return Diff(
            old_sha,
            new_sha,
            tuple(changes),
            _deltas(a.metrics, b.metrics),
            _deltas(a.params, b.params),
        )


def _tag_hits(tags: Mapping[str, list[str]], query: str | None) -> list[str]:
    """Snapshot ids with a tag containing ``query``."""
    if not query:
        return []
    needle = query.lower()
    return [sha for sha, names in tags.items() if any(needle in n.lower() for n in names)]


def _deltas(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[ValueDelta, ...]:
    return tuple(ValueDelta(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)))


def _by_path(entry: FileEntry) -> str:
    return entry.path

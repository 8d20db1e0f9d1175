"""Reading history: log, show, references, versions and diffs."""

# The mixins annotate ``self`` as the Repository they are mixed into, so that each
# body is checked against the whole facade; mypy flags that pattern itself ("misc").
# mypy: disable-error-code="misc"

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from . import file_diff, pointer
from .errors import ReferenceNotFoundError
from .model import ArtifactVersion, Change, FileEntry, Kind, Snapshot, ValueDelta
from .refs import ArtifactRef, split_artifact_ref
from .results import Diff

if TYPE_CHECKING:
    from .repository import Repository


_HEAD_N = re.compile(r"^HEAD(~\d+|\^+)?$")


class ReadMixin:
    """Everything that reads snapshots without changing the project."""

    def log(
        self: Repository,
        *,
        path: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Snapshot]:
        """Snapshots newest first; only those that changed ``path`` and match ``query``.

        ``query`` matches (case-insensitively) the message, the author, an id prefix or a tag.
        """
        self.sync_index()
        rel = None if path is None else self.relpath(path)
        tags = self.tags_by_snapshot()
        hits = _tag_hits(tags, query)
        rows = self.index.snapshots(path=rel, query=query, ids=hits, limit=limit, offset=offset)
        return [r.to_snapshot(tags.get(r.id, ())) for r in rows]

    def count(self: Repository, *, path: str | None = None, query: str | None = None) -> int:
        self.sync_index()
        hits = _tag_hits(self.tags_by_snapshot(), query) if query else []
        rel = None if path is None else self.relpath(path)
        return self.index.count(path=rel, query=query, ids=hits)

    def show(self: Repository, ref: str = "HEAD") -> tuple[Snapshot, list[FileEntry]]:
        """A snapshot's metadata and its files."""
        sha = self.resolve(ref)
        return self.snapshot_model(sha), sorted(self.files_at(sha).values(), key=_by_path)

    def files_at(self: Repository, sha: str) -> dict[str, FileEntry]:
        """Every file of snapshot ``sha``."""
        data = self.history.read_blobs(sha, [pointer.MANIFEST_JSON]).get(pointer.MANIFEST_JSON)
        return pointer.parse_manifest(data)

    def resolve(self: Repository, ref: str) -> str:
        """Snapshot id a reference names (``HEAD~2``, tag, prefix, ``PATH@v3``...)."""
        ref = ref.strip()
        artifact = split_artifact_ref(ref)
        if artifact is not None:
            return self.resolve_artifact(ref).snapshot
        if self.head() is None:
            raise ReferenceNotFoundError(
                f"'{ref}' names nothing: this project has no snapshot yet; "
                "take one with 'mlversion snapshot PATH...'"
            )
        sha = self.history.rev_parse(ref)
        if sha is None:
            hint = "'mlversion log' lists snapshots and 'mlversion tag' lists tags"
            if _HEAD_N.match(ref):
                hint = f"the history has {self.count()} snapshot(s)"
            raise ReferenceNotFoundError(f"unknown reference '{ref}'; {hint}")
        return sha

    def resolve_artifact(self: Repository, ref: str) -> ArtifactVersion:
        """The artifact version ``PATH@vN`` / ``PATH@alias`` / ``PATH@snapshot`` names."""
        parsed = split_artifact_ref(ref)
        if parsed is None:
            raise ReferenceNotFoundError(
                f"'{ref}' is not an artifact reference; write PATH@v2, PATH@best or PATH@HEAD"
            )
        return self._artifact(parsed)

    def _artifact(self: Repository, parsed: ArtifactRef) -> ArtifactVersion:
        rel = self.relpath(parsed.path)
        versions = self.versions(rel)
        number = parsed.version
        if number is None:
            number = self.aliases(rel).get(rel, {}).get(parsed.selector)
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

    def versions(self: Repository, path: str) -> list[ArtifactVersion]:
        """``v0..vN`` of a path: each distinct content, in order of first appearance."""
        self.sync_index()
        rel = self.relpath(path)
        rows = self.index.path_history(rel)
        if not rows:
            raise ReferenceNotFoundError(
                f"{rel} is in no snapshot; snapshot it first with 'mlversion snapshot {rel}'"
            )
        aliases = self.aliases(rel).get(rel, {})
        by_version: dict[int, list[str]] = {}
        for name, number in aliases.items():
            by_version.setdefault(number, []).append(name)
        seen: dict[str, int] = {}
        out: list[ArtifactVersion] = []
        for snapshot, oid, size, kind_text, when in rows:
            kind = cast(Kind, kind_text)
            if oid is None or oid in seen:
                continue
            seen[oid] = len(out)
            number = len(out)
            out.append(
                ArtifactVersion(
                    rel, number, oid, size, kind, snapshot, when,
                    tuple(sorted(by_version.get(number, ()))),
                )
            )  # fmt: skip
        return out

    def version_of(self: Repository, path: str, oid: str | None) -> int | None:
        if oid is None:
            return None
        try:
            versions = self.versions(path)
        except ReferenceNotFoundError:
            return None
        return next((v.version for v in versions if v.id == oid), None)

    def with_versions(
        self: Repository, changes: Iterable[Change], limit: int = 200
    ) -> list[Change]:
        """Changes with ``vN`` numbers filled in from the index (skipped for huge change sets)."""
        changes = list(changes)
        if len(changes) > limit:
            return changes
        out = []
        for change in changes:
            ids: list[str] = []
            for _snap, oid, *_rest in self.index.path_history(change.path):
                if oid is not None and oid not in ids:
                    ids.append(oid)

            def number(entry: FileEntry | None, ids: list[str] = ids) -> int | None:
                return ids.index(entry.id) if entry is not None and entry.id in ids else None

            out.append(
                replace(change, old_version=number(change.old), new_version=number(change.new))
            )
        return out

    def read_bytes(self: Repository, entry: FileEntry, snapshot: str) -> Iterator[bytes]:
        """Stream a stored file's bytes (verified)."""
        if entry.kind == "notebook":
            data = self.history.read_blobs(snapshot, [entry.path]).get(entry.path)
            if data is None:
                raise ReferenceNotFoundError(f"{entry.path} is not in snapshot {snapshot[:10]}")
            return iter((data,))
        return self.store.iter_bytes(entry.id)

    def diff(self: Repository, old: str = "HEAD~1", new: str = "HEAD") -> Diff:
        """Files added, removed and modified, and metric and param deltas, from old to new."""
        old_sha, new_sha = self.resolve(old), self.resolve(new)
        before, after = self.files_at(old_sha), self.files_at(new_sha)
        changes = self.with_versions(self.changes_between(before, after), limit=10**9)
        a, b = self.snapshot_model(old_sha), self.snapshot_model(new_sha)
        return Diff(
            old_sha,
            new_sha,
            tuple(changes),
            _deltas(a.metrics, b.metrics),
            _deltas(a.params, b.params),
        )

    def diff_file(
        self: Repository,
        path: str,
        old: str = "HEAD~1",
        new: str = "HEAD",
        *,
        outputs: bool = True,
        keys: Sequence[str] = (),
        max_bytes: int = file_diff.MAX_DIFF_BYTES,
    ) -> dict[str, Any]:
        """One file between two references in detail (see :func:`file_diff.diff_file`)."""
        return file_diff.diff_file(
            self, path, old, new, outputs=outputs, keys=keys, max_bytes=max_bytes
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

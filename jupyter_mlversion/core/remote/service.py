"""The remotes use-case: add, list and remove remotes; fetch, push, pull and data on demand.

Push: read ``refs.json`` (and its version), take in what the remote gained since the last
fetch, refuse a non-fast-forward, upload the objects and history the remote lacks, then swap
``refs.json`` if it is still the version read (else start over). Objects go before refs, so
an interrupted push leaves the remote consistent and the next one only sends what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import (
    ConcurrentUpdateError,
    DivergedError,
    MlversionError,
    NonFastForwardError,
    ReferenceNotFoundError,
)
from ..history import History
from ..index_sync import sync_index
from ..parts import Parts
from ..progress import Meter, Progress
from ..registry import REGISTRY_REF
from ..results import RestoreResult
from . import gitsync, registry_merge, settings
from .backends import Backend, open_backend
from .layout import RemoteRefs, bundle_key
from .lazy import RemoteSource, index_cache
from .packs import RemoteIndex
from .results import FetchResult, PullResult, PushResult, RemoteStatus
from .transfer import missing_on, objects_of, record_size, upload
from .urls import parse_url

#: ``fast_forward(old, new, move_ref, notebooks_only=..., progress=...)`` (the Restorer's).
FastForward = Callable[..., RestoreResult]
#: ``merge(sha, message)``: merge snapshot ``sha`` into the current branch (a MergeResult).
Merge = Callable[[str, str], Any]
#: Rounds of read-compare-swap before a push gives up on a remote that keeps changing.
PUSH_ROUNDS = 40


def _under(path: str, specs: Sequence[str]) -> bool:
    """``path`` is one of ``specs`` or inside one of them (all paths when there are none)."""
    return not specs or any(q in (".", path) or path.startswith(q.rstrip("/") + "/") for q in specs)


def tracking_ref(remote: str, branch: str) -> str:
    return f"refs/remotes/{remote}/{branch}"


def _registry_tracking(remote: str) -> str:
    return f"refs/mlversion/remotes/{remote}/registry"


class Remotes:
    def __init__(self, parts: Parts, fast_forward: FastForward, merge: Merge) -> None:
        self._parts = parts
        self._fast_forward = fast_forward
        self._merge = merge

    @property
    def _history(self) -> History:
        return self._parts.history

    # -- configuration -------------------------------------------------------------------
    def add(self, name: str, url: str) -> dict[str, str]:
        stored = settings.add(self._parts.meta, name, url, Path.cwd())
        store = self._parts.__dict__.pop("store", None)  # reopened with the remote as fallback
        if store is not None:
            store.close()
        return {"name": name, "url": stored}

    def remove(self, name: str) -> dict[str, str]:
        url = settings.remove(self._parts.meta, name)
        for ref in [*self._refs_under(f"refs/remotes/{name}/"), _registry_tracking(name)]:
            self._history.runner.try_run("update-ref", "-d", ref)
        return {"name": name, "url": url}

    def list_remotes(self) -> list[dict[str, str]]:
        return [{"name": n, "url": u} for n, u in settings.load(self._parts.meta).items()]

    def status(self, branch: str | None = None) -> list[RemoteStatus]:
        """Every remote with ahead/behind counts of ``branch`` (current) since the last fetch."""
        history = self._history
        branch = branch or history.current_branch()
        local = history.resolve_ref(f"refs/heads/{branch}")
        found = []
        for name, url in settings.load(self._parts.meta).items():
            tip = history.resolve_ref(tracking_ref(name, branch))
            ahead, behind = gitsync.ahead_behind(history, local, tip)
            found.append(RemoteStatus(name, url, branch, tip, ahead, behind))
        return found

    def _backend(self, name: str | None) -> Backend:
        chosen, url = settings.choose(self._parts.meta, name)
        return open_backend(chosen, parse_url(url))

    def _refs_under(self, prefix: str) -> list[str]:
        out = self._history.runner.run("for-each-ref", "--format=%(refname)", prefix)
        return out.decode().split()

    # -- fetch -----------------------------------------------------------------------
    def fetch(
        self,
        name: str | None = None,
        *,
        data: bool = False,
        paths: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> FetchResult:
        """Bring the remote's history, branches, tags and registry (and with ``data``, the
        data of the current branch's newest snapshot, or of ``paths`` in it)."""
        backend = self._backend(name)
        raw, _ = backend.read_refs()
        result = self._absorb(backend, RemoteRefs.from_bytes(raw, backend.where))
        if not data:
            return result
        count, size = self.fetch_data(paths, progress=progress, backend=backend)
        return FetchResult(**{**result.__dict__, "data_objects": count, "data_bytes": size})

    def fetch_data(
        self,
        paths: Sequence[str] = (),
        *,
        ref: str | None = None,
        progress: Progress | None = None,
        backend: Backend | None = None,
    ) -> tuple[int, int]:
        """Download ahead what restoring ``paths`` (all files) of ``ref`` (HEAD) will need."""
        history = self._history
        sha = (
            history.resolve_ref(ref or history.current_ref())
            if not ref or ref.startswith("refs/")
            else history.rev_parse(ref)
        )
        if sha is None:
            raise ReferenceNotFoundError(
                f"nothing to fetch data for: {ref or 'HEAD'} names no snapshot"
            )
        from .. import pointer

        blobs = history.read_blobs(sha, [pointer.MANIFEST_JSON])
        files = pointer.parse_manifest(blobs.get(pointer.MANIFEST_JSON))
        chosen = [e for p, e in files.items() if e.kind != "notebook" and _under(p, paths)]
        store = self._parts.store
        source = (
            store.fallback
            if isinstance(store.fallback, RemoteSource)
            else RemoteSource(self._parts.meta)
        )
        meter = Meter(progress, sum(e.size for e in chosen))
        count, size = source.prefetch(store, [e.id for e in chosen], meter.report)
        meter.close("fetched")
        return count, size

    def _absorb(self, backend: Backend, refs: RemoteRefs) -> FetchResult:
        """Import what ``refs`` names: history, tracking refs, new tags, the registry."""
        history, name = self._history, backend.name
        bundles = gitsync.import_bundles(history, backend, refs)
        prefix = f"refs/remotes/{name}/"
        for ref in self._refs_under(prefix):
            if ref.removeprefix(prefix) not in refs.heads:
                history.runner.try_run("update-ref", "-d", ref)
        for branch, sha in refs.heads.items():
            self._set(tracking_ref(name, branch), sha)
        mine = gitsync.local_tags(history)
        new_tags, conflicts = [], []
        for tag, sha in sorted(refs.tags.items()):
            if tag not in mine:
                history.update_ref(
                    f"refs/tags/{tag}", sha, None, f"mlversion: tag {tag} from {name}"
                )
                new_tags.append(tag)
            elif mine[tag] != sha:
                conflicts.append(tag)
        registry = "unchanged"
        if refs.registry:
            self._set(_registry_tracking(name), refs.registry)
            registry = self._join_registry(refs.registry)
        # What came is history of this project: index it (versions, lineage, a pull's merge).
        sync_index(self._parts.index, history, history.head(), tips=True)
        return FetchResult(name, backend.url.url, bundles, dict(refs.heads), tuple(new_tags),
                           tuple(conflicts), registry)  # fmt: skip

    def _set(self, ref: str, sha: str) -> None:
        old = self._history.resolve_ref(ref)
        if old != sha:
            self._history.update_ref(ref, sha, old, "mlversion: from remote")

    def _join_registry(self, remote: str) -> str:
        history = self._history
        for _ in range(5):
            local = history.resolve_ref(REGISTRY_REF)
            try:
                if local is None:
                    history.update_ref(
                        REGISTRY_REF, remote, None, "mlversion: registry from remote"
                    )
                    return "created"
                if local == remote or gitsync.is_ancestor(history, remote, local):
                    return "unchanged"
                if gitsync.is_ancestor(history, local, remote):
                    history.update_ref(
                        REGISTRY_REF, remote, local, "mlversion: registry from remote"
                    )
                    return "fast-forward"
                registry_merge.merge(history, local, remote)
                return "merged"
            except ConcurrentUpdateError:
                continue
        raise ConcurrentUpdateError("the registry kept changing while joining the remote's; retry")

    # -- push ------------------------------------------------------------------------
    def push(
        self,
        name: str | None = None,
        branch: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> PushResult:
        """Send ``branch`` (the current one), the tags and the registry to the remote."""
        backend = self._backend(name)
        history = self._history
        branch = branch or history.current_branch()
        ref = f"refs/heads/{branch}"
        for _ in range(PUSH_ROUNDS):
            raw, token = backend.read_refs()
            refs = RemoteRefs.from_bytes(raw, backend.where)
            self._absorb(backend, refs)
            local = history.resolve_ref(ref)
            if local is None:
                raise ReferenceNotFoundError(f"branch {branch!r} has no snapshot to push")
            old = refs.heads.get(branch)
            if old is not None and not gitsync.is_ancestor(history, old, local):
                missing = gitsync.count_between(history, local, old)
                raise NonFastForwardError(
                    f"push to {backend.where} refused: its {branch} has {missing} new snapshot(s) "
                    f"this project lacks; run mlversion pull, then push again"
                )
            result = self._send(backend, refs, token, branch, local, progress)
            if result is not None:
                self._set(tracking_ref(backend.name, branch), local)
                return result
        raise ConcurrentUpdateError(
            f"{backend.where} kept changing during {PUSH_ROUNDS} attempts to push; try again"
        )

    def _send(
        self, backend: Backend, refs: RemoteRefs, token: str | None, branch: str, local: str,
        progress: Progress | None,
    ) -> PushResult | None:  # fmt: skip
        """Upload what the remote lacks and swap refs.json; None when another push won."""
        history, store = self._history, self._parts.store
        known = gitsync.present(history, refs.shas())
        mine = gitsync.local_tags(history)
        tags = {t: s for t, s in mine.items() if t not in refs.tags}
        conflicts = tuple(
            sorted(t for t, s in mine.items() if t in refs.tags and refs.tags[t] != s)
        )
        registry = history.resolve_ref(REGISTRY_REF)
        old = refs.heads.get(branch)
        if old == local and not tags and registry in (None, refs.registry):
            return PushResult(backend.name, backend.url.url, branch, old, local, 0, 0, 0, 0, None,
                              (), conflicts)  # fmt: skip
        tips = {f"refs/heads/{branch}": local, **{f"refs/tags/{t}": s for t, s in tags.items()}}
        if registry and registry != refs.registry:
            tips[REGISTRY_REF] = registry
        files = gitsync.new_file_ids(history, list(tips.values()), known)
        every = objects_of(store, files)
        needed = self._minus_base(old, files, every) if old is not None and files else every
        index = RemoteIndex(backend, index_cache(self._parts.meta)).refresh()
        missing = missing_on(index, needed)
        meter = Meter(progress, sum(record_size(store, o) for o in missing))
        sent = upload(backend, store, missing, meter)
        bundle = gitsync.make_bundle(history, list(tips), known)
        entry: dict[str, Any] | None = None
        if bundle is not None:
            entry = {"name": gitsync.bundle_name(bundle),
                     "tips": sorted(s for s in tips.values() if s not in known)}  # fmt: skip
            key = bundle_key(str(entry["name"]))
            if not backend.exists(key):
                backend.put(key, bundle)
        meter.close(f"pushed to {backend.name}")
        new = RemoteRefs(
            heads={**refs.heads, branch: local},
            tags={**refs.tags, **tags},
            registry=tips.get(REGISTRY_REF, refs.registry),
            bundles=[*refs.bundles, *([entry] if entry else [])],
        )
        if not backend.swap_refs(new.to_bytes(), token):
            return None
        if REGISTRY_REF in tips:
            self._set(_registry_tracking(backend.name), tips[REGISTRY_REF])
        return PushResult(
            backend.name, backend.url.url, branch, old, local,
            gitsync.count_between(history, old, local), len(missing), sent,
            len(every) - len(missing), entry["name"] if entry else None, tuple(sorted(tags)),
            conflicts,
        )  # fmt: skip

    def _minus_base(self, old: str, files: dict[str, str], needed: list[str]) -> list[str]:
        """``needed`` without the objects of the remote tip's versions of the same paths."""
        from .. import pointer

        blobs = self._history.read_blobs(old, [pointer.MANIFEST_JSON])
        before = pointer.parse_manifest(blobs.get(pointer.MANIFEST_JSON))
        base_ids = [before[p].id for p in set(files.values()) if p in before]
        try:
            there = set(objects_of(self._parts.store, base_ids))
        except MlversionError:
            return needed  # a base version not here: ask the remote about every object
        return [o for o in needed if o not in there]

    # -- pull ------------------------------------------------------------------------
    def pull(
        self,
        name: str | None = None,
        branch: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> PullResult:
        """Fetch, then fast-forward ``branch`` (the current one) and the working tree."""
        fetched = self.fetch(name)
        history = self._history
        branch = branch or history.current_branch()
        ref = f"refs/heads/{branch}"
        remote = history.resolve_ref(tracking_ref(fetched.remote, branch))
        local = history.resolve_ref(ref)
        if remote is None:
            return PullResult(fetched.remote, branch, "no-remote-branch", local, local, 0, fetched)
        if local == remote or (local and gitsync.is_ancestor(history, remote, local)):
            action = "up-to-date" if local == remote else "ahead"
            return PullResult(fetched.remote, branch, action, local, local, 0, fetched)
        if local is not None and not gitsync.is_ancestor(history, local, remote):
            mine, theirs = gitsync.ahead_behind(history, local, remote)
            if ref != history.current_ref():
                raise DivergedError(
                    f"{branch} and {fetched.remote}/{branch} diverged: {mine} local, {theirs} "
                    f"remote snapshots; switch to {branch} and pull there to merge them"
                )
            merged = self._merge(remote, f"Merge {fetched.remote}/{branch} into {branch}")
            action = "conflicts" if merged.state == "conflicts" else "merged"
            return PullResult(fetched.remote, branch, action, local, history.head(), theirs,
                              fetched, merge=merged.to_dict())  # fmt: skip
        gained = gitsync.count_between(history, local, remote)

        def move() -> None:
            history.update_ref(ref, remote, local, f"mlversion: pull from {fetched.remote}")

        if ref != history.current_ref():
            move()
            return PullResult(
                fetched.remote, branch, "fast-forward", local, remote, gained, fetched
            )
        restored = self._fast_forward(local, remote, move, progress=progress)
        return PullResult(fetched.remote, branch, "fast-forward", local, remote, gained, fetched,
                          restored.to_dict())  # fmt: skip

    # -- clone -----------------------------------------------------------------------
    def checkout_clone(
        self, name: str, *, data: bool, progress: Progress | None = None
    ) -> dict[str, Any]:
        """In a fresh project: fetch ``name``, point the current branch at its tip, and write
        the working tree (notebooks only unless ``data``)."""
        fetched = self.fetch(name)
        history = self._history
        branch = history.current_branch()
        if branch not in fetched.branches and fetched.branches:
            branch = "main" if "main" in fetched.branches else sorted(fetched.branches)[0]
            history.runner.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")
        tip = fetched.branches.get(branch)
        out: dict[str, Any] = {"fetch": fetched.to_dict(), "branch": branch, "head": tip}
        if tip is None:
            return {**out, "restore": None}
        ref = f"refs/heads/{branch}"

        def move() -> None:
            history.update_ref(ref, tip, None, f"mlversion: clone from {name}")

        restored = self._fast_forward(None, tip, move, notebooks_only=not data, progress=progress)
        return {**out, "restore": restored.to_dict()}

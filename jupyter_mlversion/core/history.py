"""Snapshot history in a bare git repository: one commit per snapshot on the current branch.

Writes go through ``git fast-import`` (one process however many paths change) and then a
compare-and-swap ``git update-ref``, so concurrent writers never lose a commit: the loser
gets ConcurrentUpdateError and retries on the new tip. A writer killed at any moment leaves
at worst unreferenced objects behind; a ref only ever moves to a commit whose objects are
complete on disk. Names and paths are validated before any git command sees them.
"""

from __future__ import annotations

import json
import re
import time as _time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import full_error
from .errors import (
    AmbiguousReferenceError,
    ConcurrentUpdateError,
    HistoryError,
    InvalidNameError,
    NotAProjectError,
    ReferenceNotFoundError,
)
from .gitrefs import read_ref
from .history_branches import BRANCH_PREFIX, BranchesMixin
from .history_git import (
    ZERO_OID,
    GitFailed,
    GitRunner,
    data_block,
    ident,
    out_of_space,
    quote_path,
    temp_files,
)
from .history_log import LOG_FORMAT, CommitInfo, commit_arg, iso_time, load_state, parse_log
from .history_names import (
    FULL_SHA_RE,
    HEX_RE,
    validate_full_ref,
    validate_path,
    validate_ref_name,
)
from .history_tags import TagsMixin
from .layout import MAIN_REF
from .shared import group_writable

if TYPE_CHECKING:  # GitPython takes ~70 ms to import; snapshots only need the git program
    from git import Repo

__all__ = [
    "MAIN_REF",
    "CommitInfo",
    "History",
    "iso_time",
    "validate_path",
    "validate_ref_name",
]

STATE_FILE = "state.json"
#: Name fast-import builds on; it is reset before the import ends, so it is never written.
_SCRATCH_REF = "refs/mlversion/import"
#: A ``<ref>.lock`` older than this was left by a killed git process (git holds one for
#: milliseconds); it is removed so that writers can make progress again.
STALE_LOCK_SECONDS = 30.0
_REV_RE = re.compile(r"(?P<base>[^~^]+)(?P<suffix>(?:~\d{0,6}|\^\d?)*)")
_LOCK_RE = re.compile(r"Unable to create '([^']+\.lock)'")
_TREE_LOOKUP_LIMIT = 64


class History(TagsMixin, BranchesMixin):
    """The snapshot history of one project: a bare git repository."""

    def __init__(self, git_dir: str | Path) -> None:
        self.git_dir = Path(git_dir)
        if not (self.git_dir / "objects").is_dir() or not (self.git_dir / "HEAD").is_file():
            raise NotAProjectError(
                f"no history repository at {self.git_dir}; run 'mlversion init' first"
            )
        self._git = GitRunner(self.git_dir)
        self._repo: Repo | None = None

    @classmethod
    def init(cls, git_dir: str | Path) -> History:
        """Create (or reopen) the bare repository at ``git_dir`` with safe settings."""
        path = Path(git_dir)
        from git import Repo

        # A project folder shared by a group: git keeps its files group-writable and setgid.
        shared: dict[str, Any] = {"shared": "group"} if group_writable(path.parent.parent) else {}
        Repo.init(path, mkdir=True, bare=True, **shared).close()
        runner = GitRunner(path)
        runner.run("symbolic-ref", "HEAD", MAIN_REF)
        settings = {
            # Objects and refs reach the disk before a ref points at them.
            "core.fsync": "committed",
            # A bare repository keeps no reflog by default; ours lets a bad move be undone.
            "core.logAllRefUpdates": "always",
            # Housekeeping runs inside maintain(), never as a stray background process.
            "gc.autoDetach": "false",
        }
        for key, value in settings.items():
            runner.run("config", key, value)
        return cls(path)

    @property
    def repo(self) -> Repo:
        """A GitPython ``Repo`` on the same repository, for callers that want its API."""
        if self._repo is None:
            from git import Repo

            self._repo = Repo(self.git_dir)
        return self._repo

    def close(self) -> None:
        """Stop the helper processes GitPython may have started."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- refs ------------------------------------------------------------
    def _resolve_ref(self, ref: str) -> str | None:
        code, out, _ = self._git.try_run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
        return out.decode().strip() if code == 0 else None

    def head(self) -> str | None:
        """The sha the current branch points at, or None before its first snapshot."""
        return self._resolve_ref(self.current_ref())

    def resolve_ref(self, ref: str) -> str | None:
        """The commit a full ref name points at, or None when it does not exist."""
        return self._resolve_ref(validate_full_ref(ref))

    def update_ref(self, ref: str, new: str, old: str | None, reason: str) -> None:
        """Move ``ref`` from ``old`` (None: must not exist) to ``new``, compare-and-swap."""
        self._update_ref(validate_full_ref(ref), new, old, reason)

    @property
    def runner(self) -> GitRunner:
        """The git process runner on this repository (for bundles and ref listings)."""
        return self._git

    def _break_stale_lock(self, ref: str, git_message: str) -> None:
        """Remove lock files a killed git left behind (the ref's, HEAD's, packed-refs')."""
        named = {Path(p) for p in _LOCK_RE.findall(git_message)}
        candidates = {self.git_dir / f"{ref}.lock", self.git_dir / "packed-refs.lock"}
        root = self.git_dir.resolve()
        for lock in candidates | named:
            try:
                if not lock.resolve().is_relative_to(root) or lock.suffix != ".lock":
                    continue
                if _time.time() - lock.stat().st_mtime > STALE_LOCK_SECONDS:
                    lock.unlink()
            except FileNotFoundError:
                continue

    def _update_ref(self, ref: str, new: str, old: str | None, reason: str) -> None:
        """Move ``ref`` from ``old`` (None: must not exist) to ``new`` or raise."""
        code, _, err = self._git.try_run(
            "update-ref", "-m", reason[:200] or "mlversion", ref, new, old or ZERO_OID
        )
        if code == 0:
            return
        if out_of_space(err, self.git_dir):
            raise full_error(self.git_dir)
        if ".lock" in err and "exists" in err.lower():
            self._break_stale_lock(ref, err)
        raise ConcurrentUpdateError(
            f"{ref} moved while writing (expected {old[:10] if old else 'no commit'}); "
            f"read it again and retry. git said: {err.strip()}"
        )

    # -- writing ---------------------------------------------------------
    def commit(
        self,
        changes: Mapping[str, bytes | None],
        *,
        parent: str | None,
        message: str,
        author: tuple[str, str],
        time: float | None = None,
        merge_parents: Sequence[str] = (),
    ) -> str:
        """Commit ``parent``'s tree with ``changes`` applied and move the current branch (CAS).

        ``changes`` maps POSIX relative paths to new contents, or None to delete the path.
        ``merge_parents`` are further parents (a merge). Raises ConcurrentUpdateError when
        the branch is no longer at ``parent``.
        """
        sha = self._commit_to(
            self.current_ref(),
            changes=changes,
            parent=parent,
            message=message,
            author=author,
            when=time,
            merge_parents=merge_parents,
        )
        if sha.startswith("0"):  # about one commit in 16 checks whether to repack
            self.maintain()
        return sha

    def _commit_to(
        self,
        ref: str,
        *,
        changes: Mapping[str, bytes | None],
        parent: str | None,
        message: str,
        author: tuple[str, str],
        when: float | None,
        merge_parents: Sequence[str] = (),
    ) -> str:
        for given in (parent, *merge_parents):
            if given is not None and not FULL_SHA_RE.fullmatch(given):
                raise InvalidNameError(f"parent {given!r} is not a full commit sha")
        stamp = int(_time.time() if when is None else when)
        who = ident(*author).encode("utf-8")
        text = message if message.endswith("\n") else message + "\n"
        parts = [
            b"commit %s\nmark :1\n" % _SCRATCH_REF.encode(),
            b"author %s %d +0000\n" % (who, stamp),
            b"committer %s %d +0000\n" % (who, stamp),
            data_block(text.encode("utf-8")),
        ]
        if parent is not None:
            parts.append(b"from %s\n" % parent.encode())
        parts.extend(b"merge %s\n" % other.encode() for other in merge_parents)
        for path in sorted(changes):
            content = changes[path]
            quoted = quote_path(validate_path(path))
            if content is None:
                parts.append(b"D %s\n" % quoted)
            else:
                parts.append(b"M 100644 inline %s\n" % quoted)
                parts.append(data_block(bytes(content)))
        # Resetting the scratch branch without ``from`` keeps fast-import from writing any
        # ref at all: the only ref that moves is ours, below, with compare-and-swap.
        parts.append(b"\nreset %s\n\nget-mark :1\ndone\n" % _SCRATCH_REF.encode())
        before = temp_files(self.git_dir)
        try:
            out = self._git.fast_import(b"".join(parts))
        except GitFailed as exc:
            # A failed import (full disk) leaves its partial pack; only ours are removed.
            for leftover in temp_files(self.git_dir) - before:
                leftover.unlink(missing_ok=True)
            if out_of_space(exc.stderr, self.git_dir):
                raise full_error(self.git_dir) from exc
            if parent is not None and self._object_type(parent) != "commit":
                raise ReferenceNotFoundError(
                    f"parent {parent[:10]} is not a commit in {self.git_dir}"
                ) from exc
            said = exc.stderr.strip().splitlines()[:1] or [f"exit code {exc.returncode}"]
            raise HistoryError(
                f"git could not record the snapshot in {self.git_dir} ({said[0]}); "
                "nothing was recorded: check the folder's permissions and space, and retry"
            ) from exc
        sha = out.decode().strip()
        self._update_ref(
            ref, sha, parent, f"mlversion: {message.splitlines()[0] if message else ''}"
        )
        return sha

    def maintain(self) -> None:
        """Repack when git's own thresholds say so and drop stale fast-import crash reports."""
        self._git.try_run("gc", "--auto", "--quiet")
        cutoff = _time.time() - 86400
        for report in self.git_dir.glob("fast_import_crash_*"):
            try:
                if report.stat().st_mtime < cutoff:
                    report.unlink()
            except FileNotFoundError:
                continue

    def check(self, snapshots: Iterable[str]) -> list[str]:
        """Rehash every object reachable from every ref (git fsck); a line per damaged one.

        Each line names the object, its path when a snapshot holds it, git's complaint and
        the ``snapshots`` that need it. Empty when the history is sound.
        """
        from . import history_check

        damaged = history_check.damaged_objects(self._git)
        return history_check.affected(self._git, damaged, snapshots) if damaged else []

    # -- reading trees ---------------------------------------------------
    def read_blob(self, commit: str, path: str) -> bytes | None:
        """Content of ``path`` in ``commit``, or None when it holds no such file."""
        return self.read_blobs(commit, [path]).get(path)

    def read_blobs(self, commit: str, paths: Iterable[str]) -> dict[str, bytes]:
        """Contents of many paths of ``commit`` through one ``git cat-file`` process."""
        rev = commit_arg(commit)
        wanted = [validate_path(p) for p in dict.fromkeys(paths)]
        if len(wanted) > _TREE_LOOKUP_LIMIT:
            # git resolves each ``rev:path`` from the root tree down; listing the tree once
            # and asking for blob shas is several times faster for many paths.
            tree = self.list_tree(rev)
            wanted = [p for p in wanted if p in tree]
            found = self._git.cat_file_batch([tree[p] for p in wanted])
        else:
            found = self._git.cat_file_batch([f"{rev}:{p}" for p in wanted])
        return {
            path: item[2]
            for path, item in zip(wanted, found, strict=True)
            if item is not None and item[1] == "blob"
        }

    def read_many(self, specs: Sequence[tuple[str, str]]) -> list[bytes | None]:
        """Contents of ``(commit, path)`` pairs, across commits, through one ``cat-file``."""
        found = self._git.cat_file_batch([f"{commit_arg(c)}:{validate_path(p)}" for c, p in specs])
        return [item[2] if item is not None and item[1] == "blob" else None for item in found]

    def list_tree(self, commit: str) -> dict[str, str]:
        """Every file of ``commit``: ``{path: blob sha}``, recursive."""
        rev = commit_arg(commit)
        code, out, err = self._git.try_run("ls-tree", "-r", "-z", "--full-tree", rev)
        if code != 0:
            raise ReferenceNotFoundError(f"no commit {commit!r} in history: {err.strip()}")
        tree: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            _mode, kind, sha = meta.split(b" ")
            if kind == b"blob":
                tree[name.decode("utf-8", "surrogateescape")] = sha.decode()
        return tree

    def changed_paths(self, commit: str) -> list[str]:
        """Paths that ``commit`` added, changed or removed against its first parent."""
        rev = commit_arg(commit)
        out = self._git.run(
            "diff-tree", "-r", "-z", "--root", "--no-commit-id", "--name-only",
            "--no-renames", "-m", "--first-parent", rev,
        )  # fmt: skip
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    # -- reading history -------------------------------------------------
    def log(
        self,
        ref: str | None = None,
        *,
        path: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[CommitInfo]:
        """Commits reachable from ``ref`` (default: the current branch), newest first."""
        rev = commit_arg(ref or self.current_ref())
        if self._resolve_ref(rev) is None:
            return []
        args = ["log", "-z", f"--format={LOG_FORMAT}"]
        if offset:
            args.append(f"--skip={int(offset)}")
        if limit is not None:
            args.append(f"--max-count={int(limit)}")
        args.append(rev)
        if path is not None:
            args += ["--", validate_path(path)]
        return parse_log(self._git.run(*args))

    def count(self, path: str | None = None, ref: str | None = None) -> int:
        """How many commits ``log`` would list without limit."""
        rev = commit_arg(ref or self.current_ref())
        if self._resolve_ref(rev) is None:
            return 0
        args = ["rev-list", "--count", rev]
        if path is not None:
            args += ["--", validate_path(path)]
        return int(self._git.run(*args).decode().strip())

    def rev_list(self, since: str | Sequence[str] | None = None) -> list[str]:
        """Commits of any branch or fetched branch not reachable from ``since``, parents first.

        All of them when ``since`` is None.

        ``since`` is one commit or several (e.g. the branch heads indexed last time).
        """
        heads = sorted(self.snapshot_tips())
        if not heads:
            return []
        args = ["rev-list", "--reverse", "--topo-order", *heads]
        known = [since] if isinstance(since, str) else list(since or ())
        for sha in known:
            if not FULL_SHA_RE.fullmatch(sha) or self._object_type(sha) != "commit":
                raise ReferenceNotFoundError(f"no commit {sha!r} in history; index it all")
            args.append(f"^{sha}")
        return self._git.run(*args).decode().split()

    def rev_parse(self, name: str) -> str | None:
        """The commit sha ``name`` names (HEAD, HEAD~N, sha or prefix, tag, branch), or None.

        An id prefix wins over a tag, and a tag over a branch of the same name (branch names
        that look like ids are refused, as are tags named like an existing branch). Raises
        InvalidNameError for names git could misread and AmbiguousReferenceError for a prefix
        that matches several snapshots.
        """
        match = _REV_RE.fullmatch(name) if isinstance(name, str) else None
        if match is None:
            raise InvalidNameError(
                f"invalid reference {name!r}: use a snapshot id, a tag, HEAD or HEAD~N"
            )
        base, suffix = match["base"], match["suffix"]
        sha: str | None
        if base in ("HEAD", "@"):
            sha = self.head()
        else:
            validate_ref_name("reference", base)
            # An id prefix wins over a tag of the same name (such tags are refused now;
            # older ones stay reachable when no snapshot id starts with their name).
            sha = self._resolve_prefix(base.lower()) if HEX_RE.fullmatch(base.lower()) else None
            if sha is None:
                sha = self._resolve_ref(f"refs/tags/{base}")
            if sha is None and "@" not in base:
                sha = self._resolve_ref(f"{BRANCH_PREFIX}{base}")
        if sha is None or not suffix:
            return sha
        return self._resolve_ref(f"{sha}{suffix}")

    def _is_snapshot(self, sha: str) -> bool:
        """True when ``sha`` is on a branch or tagged (not a registry or abandoned commit)."""
        for head in self.snapshot_tips():
            code, _, _ = self._git.try_run("merge-base", "--is-ancestor", sha, head)
            if code == 0:
                return True
        return sha in self.tags().values()

    def _resolve_prefix(self, prefix: str) -> str | None:
        if len(prefix) == 40:
            candidates = [prefix]
        else:
            code, out, _ = self._git.try_run("rev-parse", f"--disambiguate={prefix}")
            candidates = out.decode().split() if code == 0 else []
        if not candidates:
            return None
        kinds = self._git.run(
            "cat-file", "--batch-check=%(objectname) %(objecttype)",
            input="".join(f"{c}\n" for c in candidates).encode(),
        ).decode().split("\n")  # fmt: skip
        commits = [ln.split()[0] for ln in kinds if ln.endswith(" commit")]
        snapshots = [c for c in commits if self._is_snapshot(c)]
        if len(snapshots) > 1:
            shown = ", ".join(c[:12] for c in sorted(snapshots)[:5])
            raise AmbiguousReferenceError(
                f"snapshot id prefix {prefix!r} matches {len(snapshots)} snapshots ({shown}); "
                "type more characters"
            )
        return snapshots[0] if snapshots else None

    def commit_infos(self, shas: Sequence[str]) -> list[CommitInfo]:
        """CommitInfo for the given commit shas, in the order given (no history walk)."""
        if not shas:
            return []
        revs = [commit_arg(sha) for sha in shas]
        out = self._git.run("log", "-z", "--no-walk=unsorted", f"--format={LOG_FORMAT}", *revs)
        return parse_log(out)

    # -- state refs ------------------------------------------------------
    def read_state(self, ref: str) -> tuple[str | None, dict[str, Any]]:
        """The commit at ``ref`` and the ``state.json`` it holds (``{}`` when none)."""
        # Read from git's ref files rather than a rev-parse process: every alias lookup (each
        # lineage graph, each versions list) comes here, and a project without a registry
        # then starts no git at all. Writers compare-and-swap, so a stale read only retries.
        sha = read_ref(self.git_dir, validate_full_ref(ref))
        if sha is None:
            return None, {}
        raw = self.read_blob(sha, STATE_FILE)
        return sha, load_state(raw)

    def read_state_at(self, commit: str) -> tuple[str, dict[str, Any]]:
        """The ``state.json`` commit ``commit`` holds (``{}`` when none)."""
        return commit, load_state(self.read_blob(commit, STATE_FILE))

    def write_state(
        self,
        ref: str,
        state: Mapping[str, Any],
        *,
        expected: str | None,
        message: str,
        author: tuple[str, str],
        time: float | None = None,
    ) -> str:
        """Commit ``state`` as ``state.json`` on ``ref`` if it is still at ``expected``."""
        payload = json.dumps(state, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        return self._commit_to(
            validate_full_ref(ref),
            changes={STATE_FILE: payload.encode("utf-8")},
            parent=expected,
            message=message,
            author=author,
            when=time,
        )

    def state_log(self, ref: str) -> list[tuple[CommitInfo, dict[str, Any]]]:
        """Every commit of ``ref`` with its state, newest first (one batch read)."""
        commits = self.log(validate_full_ref(ref))
        blobs = self._git.cat_file_batch([f"{c.sha}:{STATE_FILE}" for c in commits])
        return [
            (info, load_state(item[2] if item else None))
            for info, item in zip(commits, blobs, strict=True)
        ]

"""Branches of the history repository: named lines of snapshots, moved by compare-and-swap.

HEAD is a symbolic ref naming the current branch (``refs/heads/main`` by default); snapshots
extend it. Branch names follow the tag rules, and additionally may not look like a snapshot id
prefix (hex of 4 to 40 characters), so an id never has to compete with a branch name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import (
    ConcurrentUpdateError,
    InvalidNameError,
    NameExistsError,
    ReferenceNotFoundError,
)
from .history_git import ZERO_OID, GitRunner
from .history_names import FULL_SHA_RE, HEX_RE, validate_ref_name
from .layout import MAIN_REF

BRANCH_PREFIX = "refs/heads/"


def validate_branch_name(name: str) -> str:
    """``name`` if it can be a branch (tag rules, not hex-looking, no ``@``), else raise."""
    validate_ref_name("branch", name)
    if HEX_RE.fullmatch(name.lower()):
        raise InvalidNameError(
            f"invalid branch name {name!r}: it looks like a snapshot id prefix; "
            "choose a name with a letter outside a-f (e.g. 'try-" + name + "')"
        )
    if "@" in name:
        raise InvalidNameError(
            f"invalid branch name {name!r}: '@' separates a path from a version (PATH@BRANCH)"
        )
    return name


class BranchesMixin:
    """Branch operations of :class:`~.history.History` (kept apart to keep files small)."""

    _git: GitRunner
    git_dir: Path

    def current_ref(self) -> str:
        """The ref HEAD names, e.g. ``refs/heads/main`` (read from disk, no git process)."""
        try:
            text = (self.git_dir / "HEAD").read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return MAIN_REF
        if text.startswith("ref: refs/heads/"):
            return text[5:]
        return MAIN_REF

    def current_branch(self) -> str:
        """The current branch's name, e.g. ``main``."""
        return self.current_ref().removeprefix(BRANCH_PREFIX)

    def branches(self) -> dict[str, str]:
        """Every branch that has a snapshot: ``{name: head sha}``."""
        out = self._git.run("for-each-ref", "--format=%(refname)%00%(objectname)", BRANCH_PREFIX)
        found: dict[str, str] = {}
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            ref, _, sha = line.partition("\0")
            found[ref.removeprefix(BRANCH_PREFIX)] = sha
        return found

    def branch_head(self, name: str) -> str | None:
        """The sha branch ``name`` points at, or None when there is no such branch."""
        validate_ref_name("branch", name)
        code, out, _ = self._git.try_run(
            "rev-parse", "--verify", "-q", f"{BRANCH_PREFIX}{name}^{{commit}}"
        )
        return out.decode().strip() if code == 0 else None

    def create_branch(self, name: str, sha: str) -> None:
        """Create branch ``name`` at commit ``sha``; NameExistsError if it exists."""
        validate_branch_name(name)
        if not FULL_SHA_RE.fullmatch(sha):
            raise ReferenceNotFoundError(f"cannot create branch {name!r} at {sha!r}")
        code, _, err = self._git.try_run(
            "update-ref", "-m", f"mlversion: branch {name}", BRANCH_PREFIX + name, sha, ZERO_OID
        )
        if code != 0:
            raise NameExistsError(
                f"branch {name!r} cannot be created: it (or a branch it nests in) exists; "
                f"choose another name. git said: {err.strip()}"
            )

    def delete_branch(self, name: str, expected: str) -> None:
        """Delete branch ``name`` if it still points at ``expected`` (compare-and-swap)."""
        validate_ref_name("branch", name)
        code, _, err = self._git.try_run("update-ref", "-d", BRANCH_PREFIX + name, expected)
        if code != 0:
            raise ConcurrentUpdateError(
                f"branch {name!r} moved while deleting it; look again with 'mlversion branch'. "
                f"git said: {err.strip()}"
            )

    def move_branch(self, name: str, new: str, old: str, reason: str) -> None:
        """Move branch ``name`` from ``old`` to ``new`` (compare-and-swap), e.g. fast-forward."""
        validate_ref_name("branch", name)
        code, _, err = self._git.try_run(
            "update-ref", "-m", reason[:200], BRANCH_PREFIX + name, new, old
        )
        if code != 0:
            raise ConcurrentUpdateError(
                f"branch {name!r} moved meanwhile (expected {old[:10]}); retry. "
                f"git said: {err.strip()}"
            )

    def set_current(self, name: str) -> None:
        """Make ``name`` the current branch (HEAD names it; later snapshots extend it)."""
        validate_ref_name("branch", name)
        self._git.run("symbolic-ref", "-m", f"mlversion: switch to {name}", "HEAD",
                      BRANCH_PREFIX + name)  # fmt: skip

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of two commits, or None when they share none."""
        code, out, _ = self._git.try_run("merge-base", a, b)
        return out.decode().strip() if code == 0 and out.strip() else None

    def is_ancestor(self, a: str, b: str) -> bool:
        """True when commit ``a`` is ``b`` or one of its ancestors."""
        code, _, _ = self._git.try_run("merge-base", "--is-ancestor", a, b)
        return code == 0

    def reachable(self, tips: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
        """Commits reachable from ``tips`` but not from ``exclude``, newest first."""
        if not tips:
            return []
        args = ["rev-list", "--topo-order", *tips, *(f"^{e}" for e in exclude)]
        return self._git.run(*args).decode().split()

    def ahead_behind(self, a: str, b: str) -> tuple[int, int]:
        """(commits on ``a`` not on ``b``, commits on ``b`` not on ``a``)."""
        out = self._git.run("rev-list", "--left-right", "--count", f"{a}...{b}").decode().split()
        return int(out[0]), int(out[1])

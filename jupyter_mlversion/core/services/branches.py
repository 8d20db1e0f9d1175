"""Branches: list, create, delete and switch (the working tree moves through restore)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import (
    BranchNotMergedError,
    MlversionError,
    NameExistsError,
    ReferenceNotFoundError,
)
from ..history_branches import validate_branch_name
from ..index import BRANCH_DELETED
from ..parts import Parts
from ..progress import Progress
from ..results import RestoreResult

if TYPE_CHECKING:
    from .read import Reader
    from .restore import Restorer

MAIN = "main"


@dataclass(frozen=True)
class BranchInfo:
    """One branch: its head, and how it stands against ``main`` and the current branch."""

    name: str
    head: str
    current: bool
    ahead: int | None  # snapshots on it that main lacks (None when there is no main)
    behind: int | None  # snapshots on main it lacks
    merged: bool  # its head is in the current branch's history

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "head": self.head,
            "current": self.current,
            "ahead": self.ahead,
            "behind": self.behind,
            "merged": self.merged,
        }


@dataclass(frozen=True)
class BranchList:
    current: str
    branches: tuple[BranchInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"current": self.current, "branches": [b.to_dict() for b in self.branches]}


@dataclass(frozen=True)
class BranchDeleted:
    name: str
    head: str
    unreachable: tuple[str, ...]  # snapshots only this branch reached (kept in git until gc)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "head": self.head, "unreachable": list(self.unreachable)}


@dataclass(frozen=True)
class SwitchResult:
    branch: str
    previous: str
    created: bool
    head: str | None
    restore: RestoreResult | None  # None when the tree needed no change of snapshot

    def to_dict(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "previous": self.previous,
            "created": self.created,
            "head": self.head,
            "dry_run": bool(self.restore and self.restore.dry_run),
            "restore": self.restore.to_dict() if self.restore else None,
        }


class Branches:
    """The branch use-cases, over the history's refs and the restore machinery."""

    def __init__(
        self,
        parts: Parts,
        reader: Reader,
        restorer: Callable[[], Restorer],
        *,
        sync_index: Callable[[], None],
        check_no_merge: Callable[[], None],
    ) -> None:
        self._parts = parts
        self._reader = reader
        self._restorer = restorer
        self._sync = sync_index
        self._check_no_merge = check_no_merge

    def list(self) -> BranchList:
        """Every branch, the current one marked, with ahead/behind against ``main``."""
        history = self._parts.history
        heads = history.branches()
        current = history.current_branch()
        main = heads.get(MAIN)
        here = heads.get(current)
        out = []
        for name, sha in sorted(heads.items()):
            ahead, behind = history.ahead_behind(sha, main) if main else (None, None)
            merged = here is not None and history.is_ancestor(sha, here)
            out.append(BranchInfo(name, sha, name == current, ahead, behind, merged))
        return BranchList(current, tuple(out))

    def create(self, name: str, ref: str = "HEAD") -> BranchInfo:
        """Create branch ``name`` at the snapshot ``ref`` names (the current one by default)."""
        validate_branch_name(name)
        history = self._parts.history
        if name in history.tags():
            raise NameExistsError(
                f"'{name}' is already a tag; a branch of that name would be shadowed by it "
                "in references: choose another name"
            )
        sha = self._reader.resolve(ref)
        history.create_branch(name, sha)
        return next(b for b in self.list().branches if b.name == name)

    def delete(self, name: str, *, force: bool = False) -> BranchDeleted:
        """Delete branch ``name``; unless ``force``, only when no snapshot would be lost."""
        history = self._parts.history
        head = history.branch_head(name)
        if head is None:
            raise ReferenceNotFoundError(
                f"no branch '{name}' (branches: {', '.join(sorted(history.branches()))})"
            )
        if name == history.current_branch():
            raise MlversionError(
                f"'{name}' is the current branch; switch to another one first "
                "('mlversion switch main')"
            )
        others = [sha for other, sha in history.branches().items() if other != name]
        unreachable = tuple(history.reachable([head], [*others, *history.tags().values()]))
        if unreachable and not force:
            shown = ", ".join(s[:10] for s in unreachable[:10])
            more = f" and {len(unreachable) - 10} more" if len(unreachable) > 10 else ""
            raise BranchNotMergedError(
                f"branch '{name}' is not merged: deleting it would leave {len(unreachable)} "
                f"snapshot(s) on no branch ({shown}{more}); merge it, or delete it anyway "
                f"with 'mlversion branch -D {name}'",
                unreachable,
            )
        history.delete_branch(name, head)
        # Its snapshots stay indexed (tags, the registry may name them): logs must filter.
        self._parts.index.set_meta(BRANCH_DELETED, "1")
        return BranchDeleted(name, head, unreachable)

    def switch(
        self,
        name: str,
        *,
        create: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> SwitchResult:
        """Move the working tree to branch ``name``'s head and make it current.

        Unsaved work is kept first in a safety snapshot on the branch being left (as a
        restore does); later snapshots extend ``name``. ``create`` makes the branch at the
        current snapshot first (the tree then stays as it is).
        """
        history = self._parts.history
        previous = history.current_branch()
        with self._parts.lock("a switch"):
            self._check_no_merge()
            target = history.branch_head(name) if not create else None
            if create:
                validate_branch_name(name)
                if history.branch_head(name) is not None:
                    raise NameExistsError(
                        f"branch '{name}' exists; switch to it with 'mlversion switch {name}'"
                    )
                here = history.head()
                if here is None:
                    raise ReferenceNotFoundError(
                        "this branch has no snapshot yet; take one before creating a branch"
                    )
                if dry_run:
                    return SwitchResult(name, previous, True, here, None)
                history.create_branch(name, here)
                history.set_current(name)
                self._sync()
                return SwitchResult(name, previous, True, here, None)
            if name == previous and target is not None:
                return SwitchResult(name, previous, False, target, None)  # already there
            if target is None:
                known = ", ".join(sorted(history.branches())) or "none"
                raise ReferenceNotFoundError(
                    f"no branch '{name}' (branches: {known}); create it with "
                    f"'mlversion switch -c {name}'"
                )
            result = self._restorer().move_tree_locked(
                target, dry_run=dry_run, progress=progress, label=f"branch {name}"
            )
            if not dry_run:
                history.set_current(name)
                self._sync()
            return SwitchResult(name, previous, False, target, result)

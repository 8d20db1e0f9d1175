"""What a snapshot holds: the one decision every surface (sidebar, REST, CLI, magic) shares.

Three kinds of request, by what the caller names:

- a notebook (the sidebar, ``POST snapshots``, ``%mlversion commit``, ``mlversion snapshot
  --notebook``): the notebook, the files its cells read and wrote (since the last snapshot,
  from the journals of every kernel that ran it, and as earlier snapshots recorded them), the
  tracked paths, the tracking patterns and any extra paths;
- paths only (``mlversion snapshot PATHS``): those paths, nothing else;
- nothing (``mlversion snapshot``): every file the last snapshot holds, the tracked paths,
  the tracking patterns, and every notebook whose journals hold cells not yet snapshotted.

Files outside the scope keep the version the parent snapshot had (as ``git commit PATHS``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..journal import Journals, Pending
from ..model import CellIO, FileEntry
from ..paths import META_DIR


@dataclass(frozen=True)
class SnapshotRequest:
    """What a caller asks a snapshot (or a status) for; paths are project-relative."""

    paths: tuple[str, ...] = ()
    notebook: str | None = None
    kernel: str | None = None  # the calling kernel's journal, for its lines naming no notebook
    message: str = ""
    metrics: Mapping[str, float] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    author: tuple[str, str] | None = None
    allow_empty: bool = False
    patterns: tuple[str, ...] = ()  # extra tracking patterns (the server's track_patterns)
    environment: Mapping[str, Any] | None = None  # what to record instead of the journal's
    merge_parents: tuple[str, ...] = ()  # further parents: the snapshot concludes a merge

    @property
    def names_notebook(self) -> bool:
        return self.notebook is not None or self.kernel is not None

    @property
    def plain(self) -> bool:
        """No metadata of its own: "nothing changed" may be answered from stats alone."""
        return not (
            self.metrics or self.params or self.tags or self.allow_empty or self.merge_parents
        )


@dataclass(frozen=True)
class Scope:
    """The files and folders whose state a snapshot records now, and the journal lines."""

    specs: tuple[str, ...]  # project-relative files and folders ("." is the whole project)
    pending: Pending
    named: tuple[str, ...]  # what the caller named (to say which snapshot already holds it)

    def contains(self, path: str) -> bool:
        return _Matcher(self.specs)(path)

    def kept(self, before: Mapping[str, FileEntry]) -> dict[str, FileEntry]:
        """The parent's files outside the scope: they keep their version."""
        inside = _Matcher(self.specs)
        return {p: e for p, e in before.items() if not inside(p)}


class _Matcher:
    """``path`` is one of the specs or below one of them (one C-level prefix test per path)."""

    def __init__(self, specs: Iterable[str]) -> None:
        self.specs = frozenset(specs)
        self.all = "." in self.specs
        self.folders = tuple(s + "/" for s in self.specs)

    def __call__(self, path: str) -> bool:
        return self.all or path in self.specs or path.startswith(self.folders)


def plan(
    request: SnapshotRequest,
    *,
    root: Path,
    journals: Journals,
    tracked: Sequence[str],
    patterns: Sequence[str],
    before: Collection[str],
    recorded: Callable[[str | None], set[str]],
) -> Scope:
    """Decide the scope of ``request`` against the paths of the parent's files ``before``.

    ``recorded(notebook)`` names the files that notebook's cells touched in earlier snapshots:
    a rolled-back input, or a model rewritten outside a cell, is still that notebook's.
    """
    every_pattern = (*patterns, *request.patterns)
    if request.names_notebook:
        notebooks = [request.notebook] if request.notebook else []
        pending = journals.pending(notebooks, request.kernel)
        specs = {*notebooks, *pending.paths(), *tracked, *request.paths}
        # A kernel that knows no notebook owns the files of cells that named none.
        owners: list[str | None] = [*notebooks] if notebooks else [None]
        specs.update(p for owner in owners for p in recorded(owner) if p in before)
        specs.update(expand_patterns(root, every_pattern))
        named = {*notebooks, *pending.paths(), *request.paths}
    elif request.paths:
        pending = Pending()
        specs = set(request.paths)
        named = set(request.paths)
    else:
        pending = journals.pending(None)
        # Files below a tracked folder are found by walking it: naming each again costs a stat.
        covered = _Matcher(tracked)
        specs = {*tracked, *(p for p in before if not covered(p))}
        specs.update((*pending.notebooks, *pending.paths()))
        specs.update(expand_patterns(root, every_pattern))
        named = set()
    return Scope(tuple(sorted(specs)), pending, tuple(sorted(named)))


def expand_patterns(root: Path, patterns: Iterable[str]) -> list[str]:
    """Project files matching glob patterns (``**`` for any depth), never ``.mlversion/``."""
    found: set[str] = set()
    base = root.resolve()
    for pattern in patterns:
        for match in root.glob(pattern):
            rel = match.relative_to(root)
            if META_DIR in rel.parts or not match.is_file():
                continue
            if match.resolve().is_relative_to(base):
                found.add(rel.as_posix())
    return sorted(found)


def novel_cells(resolved: Sequence[CellIO], recorded: Any) -> list[CellIO]:
    """The cells whose reads and writes differ from what history last recorded for them.

    ``recorded(cell_id, notebook)`` gives the lineage rows of that cell, newest first. A
    cell re-run on the same files adds nothing, so it makes no snapshot of its own.
    """
    out = []
    for cell in resolved:
        rows = recorded(cell.cell_id, cell.notebook)
        if not rows:
            out.append(cell)
            continue
        newest = rows[0]["snapshot"]
        before = {(r["role"], r["path"], r["id"]) for r in rows if r["snapshot"] == newest}
        now = {
            (role, str(e["path"]), e.get("id"))
            for role in ("reads", "writes")
            for e in getattr(cell, role)
        }
        if before != now:
            out.append(cell)
    return out

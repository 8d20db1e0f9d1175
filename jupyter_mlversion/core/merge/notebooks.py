"""Notebooks changed on both sides: nbdime's three-way merge, cell by cell.

Cells changed on one side merge cleanly; the same cell changed on both sides is a conflict,
which nbdime writes inline (``<<<<<<< local`` markers in the cell) so the file can be edited
and then resolved. Outputs belong to their cell and merge with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import nbformat

from ..errors import UnreadableFileError


@dataclass(frozen=True)
class NotebookMerge:
    content: bytes  # the merged notebook (with inline markers where cells conflict)
    conflicts: tuple[dict[str, Any], ...]  # one per conflicting cell: index, id, where


def read_notebook(data: bytes | None, name: str) -> Any:
    """A notebook node from bytes (None: an empty notebook, the base of two additions)."""
    if data is None:
        return nbformat.v4.new_notebook()
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(f"{name} is not a readable notebook: {exc}") from None


def merge_notebook(base: bytes | None, ours: bytes, theirs: bytes, name: str) -> NotebookMerge:
    """Merge ``ours`` and ``theirs`` from ``base`` with nbdime."""
    from nbdime.merging import merge_notebooks

    b = read_notebook(base, name)
    merged, decisions = merge_notebooks(b, read_notebook(ours, name), read_notebook(theirs, name))
    conflicts = []
    for decision in decisions:
        if not decision.get("conflict"):
            continue
        path = list(decision.common_path)
        index = path[1] if len(path) > 1 and path[0] == "cells" else None
        if index is None and path == ["cells"]:
            keys = [d.get("key") for d in decision.get("local_diff", []) or []]
            index = keys[0] if keys and isinstance(keys[0], int) else None
        cell_id = None
        if isinstance(index, int) and index < len(b.cells):
            cell_id = b.cells[index].get("id")
        where = "/".join(str(p) for p in path[2:]) or "cell"
        conflicts.append({"index": index, "id": cell_id, "where": where})
    text = nbformat.writes(merged)
    return NotebookMerge((text if text.endswith("\n") else text + "\n").encode(), tuple(conflicts))


def merge_decisions(base: bytes | None, ours: bytes, theirs: bytes, name: str) -> dict[str, Any]:
    """``{"base", "merge_decisions"}`` as nbdime's own merge API answers, for its merge view."""
    from nbdime.merging.notebooks import decide_notebook_merge
    from nbdime.nbmergeapp import _build_arg_parser

    args = _build_arg_parser().parse_args(["", "", ""])
    args.merge_strategy = "mergetool"  # what nbdime's web merge tool asks for
    b = read_notebook(base, name)
    decisions = decide_notebook_merge(
        b, read_notebook(ours, name), read_notebook(theirs, name), args=args
    )
    return {"base": b, "merge_decisions": json.loads(json.dumps(decisions))}

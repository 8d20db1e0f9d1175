"""Notebook diffs in nbdime's format, fast on large notebooks.

nbdime's ``diff_notebooks`` compares every cell pair with fuzzy predicates, which costs seconds
on a notebook with hundreds of cells and large image outputs. Most cells of two versions are
identical, so cells are first matched by a hash of their whole content; nbdime runs only on the
runs of cells between identical ones. The pieces are assembled into one diff in nbdime's format,
so ``nbdime.patch(base, diff)`` gives the new notebook and nbdime's JupyterLab components render it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

import blake3
import nbformat
from nbdime.diffing.notebooks import diff_item_at_path, diff_notebooks

from ..errors import UnreadableFileError
from ._source import Source, read_all

NOTEBOOK_DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "notebook diff",
    "type": "object",
    "required": ["kind", "name", "include_outputs", "base", "diff", "summary"],
    "properties": {
        "kind": {"const": "notebook"},
        "name": {"type": "string"},
        "include_outputs": {"type": "boolean"},
        "base": {"type": "object", "required": ["cells", "metadata", "nbformat"]},
        "diff": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
        "summary": {
            "type": "object",
            "required": ["old_cells", "new_cells", "added", "removed", "modified", "metadata"],
            "properties": {
                "old_cells": {"type": "integer", "minimum": 0},
                "new_cells": {"type": "integer", "minimum": 0},
                "added": {"type": "array", "items": {"$ref": "#/$defs/cell"}},
                "removed": {"type": "array", "items": {"$ref": "#/$defs/cell"}},
                "modified": {"type": "array", "items": {"$ref": "#/$defs/modified"}},
                "metadata": {"type": "boolean"},
            },
        },
    },
    "$defs": {
        "entry": {
            "type": "object",
            "required": ["op", "key"],
            "properties": {
                "op": {"enum": ["add", "remove", "replace", "addrange", "removerange", "patch"]},
                "key": {"type": ["string", "integer"]},
                "diff": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
                "valuelist": {"type": ["array", "string"]},
                "length": {"type": "integer", "minimum": 0},
            },
        },
        "cell": {
            "type": "object",
            "required": ["index", "id", "cell_type"],
            "properties": {
                "index": {"type": "integer", "minimum": 0},
                "id": {"type": ["string", "null"]},
                "cell_type": {"type": "string"},
            },
        },
        "modified": {
            "type": "object",
            "required": ["old_index", "new_index", "id", "cell_type", "parts"],
            "properties": {
                "old_index": {"type": "integer", "minimum": 0},
                "new_index": {"type": "integer", "minimum": 0},
                "id": {"type": ["string", "null"]},
                "cell_type": {"type": "string"},
                "parts": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}

Notebook = dict[str, Any]


def load_notebook(source: Source, name: str) -> Notebook:
    """Parse a notebook's JSON (nbformat 4) from a path, stream or byte chunks."""
    try:
        data = json.loads(read_all(source, name))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFileError(
            f"{name} is not a notebook (invalid JSON: {exc}); open it in JupyterLab to repair it"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableFileError(
            f"{name} is not an nbformat 4 notebook (no 'cells' list); convert it with "
            "'jupyter nbconvert --to notebook'"
        )
    _rejoin_lines(data)
    return data


def _rejoin_lines(nb: Notebook) -> None:
    """Join multiline text stored as lists of lines (as nbformat writes files) into strings."""
    for cell in nb["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        for output in cell.get("outputs", ()):
            if isinstance(output.get("text"), list):
                output["text"] = "".join(output["text"])
            for mime, value in output.get("data", {}).items():
                if isinstance(value, list) and not mime.endswith("json"):
                    output["data"][mime] = "".join(value)


def diff_notebook_sources(
    old: Source, new: Source, *, name: str = "notebook.ipynb", include_outputs: bool = True
) -> dict[str, Any]:
    """Diff two notebooks given as paths, binary streams or iterables of bytes."""
    return diff_notebooks_fast(
        load_notebook(old, name),
        load_notebook(new, name),
        name=name,
        include_outputs=include_outputs,
    )


def diff_notebooks_fast(
    base: Notebook, remote: Notebook, *, name: str = "notebook.ipynb", include_outputs: bool = True
) -> dict[str, Any]:
    """Diff two parsed notebooks: ``{"base", "diff", "summary"}`` with ``diff`` in nbdime's format.

    Without outputs, code cells of both sides lose their outputs and execution counts first, and
    ``base`` is that stripped notebook, so the diff still patches ``base`` into the new side.
    """
    if not include_outputs:
        base, remote = _strip_outputs(base), _strip_outputs(remote)
    old_cells: list[dict[str, Any]] = base["cells"]
    new_cells: list[dict[str, Any]] = remote["cells"]

    cells_diff = _diff_cells(old_cells, new_cells)
    top_diff = _plain(
        diff_notebooks(
            nbformat.from_dict({**base, "cells": []}), nbformat.from_dict({**remote, "cells": []})
        )
    )
    diff = [e for e in top_diff if e["key"] != "cells"]
    if cells_diff:
        diff.append({"op": "patch", "key": "cells", "diff": cells_diff})
        diff.sort(key=lambda e: str(e["key"]))

    summary = _summarize(old_cells, new_cells, cells_diff)
    summary["metadata"] = any(e["key"] == "metadata" for e in diff)
    return {
        "kind": "notebook",
        "name": name,
        "include_outputs": include_outputs,
        "base": base,
        "diff": diff,
        "summary": summary,
    }


def _strip_outputs(nb: Notebook) -> Notebook:
    blank: dict[str, Any] = {"outputs": [], "execution_count": None}
    cells = [
        {**cell, **blank} if cell.get("cell_type") == "code" else cell
        for cell in nb.get("cells", [])
    ]
    return {**nb, "cells": cells}


def _cell_hash(cell: Mapping[str, Any]) -> bytes:
    """Hash of a cell's content without its id (ids are regenerated by some tools)."""
    parts: list[str] = []
    _flatten({k: v for k, v in cell.items() if k != "id"}, parts)
    return blake3.blake3("".join(parts).encode("utf-8", "surrogatepass")).digest(16)


def _flatten(value: Any, out: list[str]) -> None:
    """Length-prefixed, key-sorted text of a JSON value (3x faster than sorted json.dumps)."""
    if isinstance(value, str):
        out.append(f"s{len(value)}:")
        out.append(value)
    elif isinstance(value, dict):
        out.append(f"d{len(value)}:")
        for key in sorted(value):
            out.append(f"{len(key)}:{key}")
            _flatten(value[key], out)
    elif isinstance(value, list):
        out.append(f"l{len(value)}:")
        for item in value:
            _flatten(item, out)
    else:
        out.append(f"v{value!r};")


def _diff_cells(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cell-list diff in nbdime's format: identical cells by hash, nbdime on what lies between."""
    # No autojunk: frequent cells (empty ones) must still match, or they fall to nbdime.
    hashes_old, hashes_new = [_cell_hash(c) for c in old], [_cell_hash(c) for c in new]
    matcher = SequenceMatcher(None, hashes_old, hashes_new, autojunk=False)
    out: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            # Same content; only the ids can differ.
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if old[i].get("id") != new[j].get("id"):
                    part = diff_item_at_path(
                        nbformat.from_dict(old[i]), nbformat.from_dict(new[j]), "/cells/*"
                    )
                    out.append({"op": "patch", "key": i, "diff": _plain(part)})
        elif tag == "delete":
            out.append({"op": "removerange", "key": i1, "length": i2 - i1})
        elif tag == "insert":
            out.append({"op": "addrange", "key": i1, "valuelist": new[j1:j2]})
        else:
            # Only this run is given to nbdime: its fuzzy matching decides which cells are
            # edits of one another and which were replaced.
            part = diff_item_at_path(
                nbformat.from_dict(old[i1:i2]), nbformat.from_dict(new[j1:j2]), "/cells"
            )
            for entry in _plain(part):
                entry["key"] += i1
                out.append(entry)
    return out


def _plain(value: Any) -> Any:
    """nbdime's DiffEntry and NotebookNode objects as plain dicts and lists (JSON-able)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _walk(
    cells_diff: Sequence[dict[str, Any]],
) -> Iterator[tuple[str, int, int, int, dict[str, Any]]]:
    """Yield (op, base index, new index, count, entry), following nbdime's patch order."""
    shift = 0  # new index minus base index at the current point of the walk
    for entry in cells_diff:
        key = int(entry["key"])
        if entry["op"] == "addrange":
            count = len(entry["valuelist"])
            yield "added", key, key + shift, count, entry
            shift += count
        elif entry["op"] == "removerange":
            count = int(entry["length"])
            yield "removed", key, key + shift, count, entry
            shift -= count
        elif entry["op"] == "patch":
            yield "modified", key, key + shift, 1, entry


def _summarize(
    old: list[dict[str, Any]], new: list[dict[str, Any]], cells_diff: list[dict[str, Any]]
) -> dict[str, Any]:
    def brief(cell: Mapping[str, Any], index: int) -> dict[str, Any]:
        return {"index": index, "id": cell.get("id"), "cell_type": cell.get("cell_type", "")}

    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    modified: list[dict[str, Any]] = []
    for op, base_index, new_index, count, entry in _walk(cells_diff):
        if op == "added":
            added += [brief(new[new_index + k], new_index + k) for k in range(count)]
        elif op == "removed":
            removed += [brief(old[base_index + k], base_index + k) for k in range(count)]
        else:
            modified.append(
                {
                    "old_index": base_index,
                    "new_index": new_index,
                    "id": new[new_index].get("id"),
                    "cell_type": new[new_index].get("cell_type", ""),
                    "parts": sorted({str(e["key"]) for e in entry["diff"]}),
                }
            )
    return {
        "old_cells": len(old),
        "new_cells": len(new),
        "added": added,
        "removed": removed,
        "modified": modified,
    }

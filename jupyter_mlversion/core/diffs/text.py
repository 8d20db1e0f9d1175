"""A file diff (the JSON of ``Repository.diff_file``) as lines a person reads.

The command line prints these lines and the magic shows them, so both read the same.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from typing import Any

#: Items listed per section; the JSON output has them all.
MAX_LISTED = 20
_EXCERPT = 60


def file_diff_lines(answer: dict[str, Any]) -> list[str]:
    """The title, then what changed: cells, schema and rows, tensors, or sizes and ids."""
    lines = [
        f"{answer['path']} ({answer['kind']}): {answer['status']}, "
        f"{answer['old'][:10]} -> {answer['new'][:10]}"
    ]
    if answer.get("note"):
        lines.append(answer["note"])
    detail = answer.get("detail")
    if detail:
        lines += _BY_KIND.get(detail["kind"], _file)(detail)
    return lines


def _excerpt(text: Any) -> str:
    first = next((line for line in str(text or "").splitlines() if line.strip()), "")
    return first if len(first) <= _EXCERPT else first[: _EXCERPT - 3] + "..."


def _listed(items: Sequence[Any], show: Callable[[Any], list[str]]) -> list[str]:
    out = [line for item in items[:MAX_LISTED] for line in show(item)]
    if len(items) > MAX_LISTED:
        out.append(f"  ... and {len(items) - MAX_LISTED} more ('--json' lists them all)")
    return out


# -- notebooks -----------------------------------------------------------------
def _new_cells(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """The new notebook's cells: nbdime's patch applied to ``base``."""
    from nbdime.diff_format import DiffEntry
    from nbdime.patching import patch

    def entry(e: dict[str, Any]) -> DiffEntry:
        return DiffEntry({**e, "diff": [entry(x) for x in e["diff"]]} if "diff" in e else e)

    cells: list[dict[str, Any]] = patch(detail["base"], [entry(e) for e in detail["diff"]])["cells"]
    return cells


def _notebook(detail: dict[str, Any]) -> list[str]:
    s = detail["summary"]
    old_cells: list[dict[str, Any]] = detail["base"]["cells"]
    new_cells = _new_cells(detail) if s["added"] or s["modified"] else old_cells
    lines = [
        f"cells: {s['old_cells']} -> {s['new_cells']}; {len(s['added'])} added, "
        f"{len(s['removed'])} removed, {len(s['modified'])} modified"
        + ("; notebook metadata changed" if s["metadata"] else "")
        + ("" if detail["include_outputs"] else " (outputs left out)")
    ]

    def cell(mark: str, what: str, brief: dict[str, Any], source: Any) -> str:
        where = f"{brief['cell_type']} cell {brief.get('index', brief.get('new_index'))}"
        return f"{mark} {what} {where} [{brief['id']}]: {_excerpt(source)}"

    lines += _listed(
        s["added"], lambda c: [cell("+", "added", c, new_cells[c["index"]].get("source"))]
    )
    lines += _listed(
        s["removed"], lambda c: [cell("-", "removed", c, old_cells[c["index"]].get("source"))]
    )

    def modified(c: dict[str, Any]) -> list[str]:
        old_source = str(old_cells[c["old_index"]].get("source") or "")
        new_source = str(new_cells[c["new_index"]].get("source") or "")
        parts = ", ".join(c["parts"])
        head = f"~ modified {c['cell_type']} cell {c['new_index']} [{c['id']}] ({parts})"
        changed = [
            f"    {line[0]} {line[2:]}"[: _EXCERPT + 6]
            for line in difflib.ndiff(old_source.splitlines(), new_source.splitlines())
            if line[:1] in "+-"
        ]
        return [head, *changed[:6]] + (["    ..."] if len(changed) > 6 else [])

    return lines + _listed(s["modified"], modified)


# -- tables ----------------------------------------------------------------------
def _row(row: dict[str, Any]) -> str:
    text = json.dumps(row, default=str, ensure_ascii=False)
    return text if len(text) <= 100 else text[:97] + "..."


def _table(detail: dict[str, Any]) -> list[str]:
    schema, rows, samples = detail["schema"], detail["rows"], detail["samples"]
    keys = f", key {', '.join(detail['keys'])}" if detail["keys"] else ", rows matched by content"
    lines = [f"{detail['format']} table{keys}"]
    types = {f["name"]: f["type"] for f in schema["new"] + schema["old"]}
    if schema["added"]:
        lines.append("columns added: " + ", ".join(f"{n} ({types[n]})" for n in schema["added"]))
    if schema["removed"]:
        lines.append(
            "columns removed: " + ", ".join(f"{n} ({types[n]})" for n in schema["removed"])
        )
    for t in schema["type_changed"]:
        lines.append(f"column {t['name']}: type {t['old']} -> {t['new']}")
    if not (schema["added"] or schema["removed"] or schema["type_changed"]):
        lines.append("schema unchanged")
    lines.append(
        f"rows: {rows['old']} -> {rows['new']}; {rows['added']} added, {rows['removed']} removed, "
        f"{rows['changed']} changed, {rows['unchanged']} unchanged"
    )
    duplicates = rows.get("duplicate_keys") or {}
    if any(duplicates.values()):
        lines.append(
            f"duplicate keys: {duplicates.get('old', 0)} old, {duplicates.get('new', 0)} new"
        )
    lines += _listed(samples["added"], lambda r: [f"+ {_row(r)}"])
    lines += _listed(samples["removed"], lambda r: [f"- {_row(r)}"])

    def changed(c: dict[str, Any]) -> list[str]:
        cols = ", ".join(
            f"{k}: {c['old'].get(k)!r} -> {c['new'].get(k)!r}" for k in c["changed_columns"]
        )
        return [f"~ {_row(c['key'])}: {cols}"]

    lines += _listed(samples["changed"], changed)
    if rows["added"] + rows["removed"] + rows["changed"] > sum(map(len, samples.values())):
        lines.append("(samples of the rows; '--json' has column statistics)")
    return lines


# -- models and plain files ------------------------------------------------------
def _size(side: dict[str, Any]) -> str:
    return f"{side['size']} bytes"


def _tensor(t: dict[str, Any]) -> str:
    return f"{t['name']} {t['dtype']}{list(t['shape'])}"


def _tensors(title: str, changes: dict[str, Any]) -> list[str]:
    lines = [
        f"{title}: {len(changes['added'])} added, {len(changes['removed'])} removed, "
        f"{len(changes['changed'])} changed, {changes['unchanged']} unchanged"
    ]
    lines += _listed(changes["added"], lambda t: [f"+ {_tensor(t)}"])
    lines += _listed(changes["removed"], lambda t: [f"- {_tensor(t)}"])

    def changed(c: dict[str, Any]) -> list[str]:
        values = {True: ", values changed", False: ", same values", None: ""}[c["values_changed"]]
        return [f"~ {_tensor(c['old'])} -> {c['new']['dtype']}{list(c['new']['shape'])}{values}"]

    return lines + _listed(changes["changed"], changed)


def _model(detail: dict[str, Any]) -> list[str]:
    same = "identical bytes" if detail["same"] else "bytes differ"
    lines = [f"{detail['format']} model: {_size(detail['old'])} -> {_size(detail['new'])}, {same}"]
    for part in ("tensors", "initializers"):
        if part in detail:
            lines += _tensors(part, detail[part])
    if detail.get("note"):
        lines.append(detail["note"])
    return lines


def _file(detail: dict[str, Any]) -> list[str]:
    old, new = detail["old"], detail["new"]
    same = "identical" if detail.get("same") else "different"
    return [f"{_size(old)} -> {_size(new)}; {same} content ({old['id'][:12]} -> {new['id'][:12]})"]


_BY_KIND: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "notebook": _notebook,
    "table": _table,
    "model": _model,
    "file": _file,
}

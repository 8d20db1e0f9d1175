"""Human-readable output of ``branch``, ``switch``, ``merge`` and ``resolve``."""

from __future__ import annotations

import argparse
from typing import Any


def _count(n: int | None) -> str:
    return "-" if n is None else str(n)


def branch(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "deleted" in data:
        gone = data["deleted"]
        lost = len(gone["unreachable"])
        extra = f"; {lost} snapshot(s) are on no branch now" if lost else ""
        print(f"Deleted branch {gone['name']} (was {gone['head'][:10]}){extra}.")
        return
    if "created" in data:
        made = data["created"]
        print(f"Created branch {made['name']} at {made['head'][:10]}.")
        return
    for b in data["branches"]:
        mark = "*" if b["current"] else " "
        print(
            f"{mark} {b['name']:<20} {b['head'][:10]}  ahead {_count(b['ahead'])}, "
            f"behind {_count(b['behind'])}{'' if b['merged'] else '  (not merged)'}"
        )


def switch(data: dict[str, Any], _: argparse.Namespace) -> None:
    restore = data.get("restore") or {}
    changed = [i for i in restore.get("items", ()) if i["action"] != "unchanged"]
    if data["dry_run"]:
        print(f"Would switch to {data['branch']}, changing {len(changed)} file(s):")
        for item in changed:
            print(f"  {item['action']:<7} {item['path']}")
        return
    made = "a new branch " if data["created"] else ""
    print(f"Switched to {made}{data['branch']} ({len(changed)} file(s) changed).")
    if restore.get("safety_snapshot"):
        print(f"Unsaved work was kept in snapshot {restore['safety_snapshot'][:10]} on "
              f"{data['previous']}.")  # fmt: skip


def _files(files: list[dict[str, Any]]) -> None:
    for f in files:
        what = f.get("detail", "")
        cells = ", ".join(str(c.get("id") or c.get("index")) for c in f.get("cells", ()))
        rows = len(f.get("rows", ()))
        more = f" (cells {cells})" if cells else f" ({rows} row(s))" if rows else ""
        print(f"  {f['outcome']:<8} {f['path']}: {what}{more}")


def merge(data: dict[str, Any], _: argparse.Namespace) -> None:
    if data.get("aborted"):
        print(f"Merge of {data['branch']} aborted; the files are as in {data['head'][:10]}.")
        return
    if "preview" in data:
        p = data["preview"]
        if p["up_to_date"]:
            print(f"Already up to date with {p['branch']}.")
        elif p["fast_forward"]:
            print(f"Fast-forward to {p['theirs'][:10]}:")
        else:
            print(f"Merging {p['branch']} from base {str(p['base'])[:10]} would give:")
        _files(p["files"])
        return
    if data.get("in_progress"):
        print(f"Merging {data['branch']}: {len(data['unresolved'])} conflict(s) unresolved.")
        for path in data["unresolved"]:
            print(f"  conflict {path}")
        for path in data["resolved"]:
            print(f"  resolved {path}")
        return
    state = data["state"]
    if state == "up-to-date":
        print(f"Already up to date with {data['branch']}.")
    elif state == "fast-forward":
        print(f"Fast-forward to {data['theirs'][:10]} ({data['branch']}).")
    elif state == "merged":
        print(f"Merged {data['branch']}: snapshot {str(data['snapshot'])[:10]} (two parents).")
        _files(data.get("files", []))
    else:
        print(f"Merge of {data['branch']} stopped on {len(data['conflicts'])} conflict(s):")
        _files(data["files"])
        print("Settle each with 'mlversion resolve PATH --ours|--theirs' (or edit it, then "
              "'mlversion resolve PATH'); then 'mlversion merge --continue', or "
              "'mlversion merge --abort' to undo.")  # fmt: skip


def resolve(data: dict[str, Any], _: argparse.Namespace) -> None:
    left = data["merge"]["unresolved"]
    tail = (
        f"{len(left)} left: {', '.join(left)}"
        if left
        else "none left: 'mlversion merge --continue'"
    )
    print(f"Resolved {data['resolved']} ({tail}).")


RENDERERS = {"branch": branch, "switch": switch, "merge": merge, "resolve": resolve}

"""Human-readable output of the command line; rich is imported only when it draws."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..core.layout import META_DIR
from ..core.progress import BYTES
from ..core.results import pending_lines
from . import render_branches

ProgressFn = Callable[[int, int, str], None]


@contextmanager
def progress(*, enabled: bool = True, unit: str = BYTES) -> Iterator[ProgressFn | None]:
    """A progress callback drawing a bar on stderr when it is a terminal; else None.

    ``unit`` is what the operation counts (see ``core.progress.UNITS``): bytes are shown as
    sizes with a speed, objects as a plain ``done/total`` count.
    """
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(*_columns(unit), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total or None, description=label[-40:])

        yield update


def _columns(unit: str) -> list[Any]:
    """The bar's columns: sizes and speed for bytes, a plain count for anything else."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    if unit == BYTES:
        counts: list[Any] = [DownloadColumn(), TransferSpeedColumn()]
    else:
        counts = [MofNCompleteColumn(), TextColumn(unit)]
    return [TextColumn("{task.description}"), BarColumn(), *counts, TimeRemainingColumn()]


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def _version(v: int | None) -> str:
    return "-" if v is None else f"v{v}"


def _table(title: str | None, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(soft_wrap=False).print(table)


#: Longer change lists are cut (rendering 10,000 rows with rich takes seconds); --json has all.
_MAX_LISTED = 50


def _change_table(changes: list[dict[str, Any]]) -> None:
    _table(None, ["change", "path", "kind", "size", "version"], _changes(changes[:_MAX_LISTED]))
    if len(changes) > _MAX_LISTED:
        print(f"... and {len(changes) - _MAX_LISTED:,} more changes ('--json' lists them all)")


def _changes(changes: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for c in changes:
        old, new = c.get("old") or {}, c.get("new") or {}
        rows.append(
            [
                c["status"],
                c["path"],
                c.get("kind", ""),
                _size(old.get("size")) + " -> " + _size(new.get("size")),
                _version(c.get("old_version")) + " -> " + _version(c.get("new_version")),
            ]
        )
    return rows


def human(command: str, data: dict[str, Any], args: argparse.Namespace) -> None:
    """Print ``data`` (a command's JSON) for a person."""
    fn = _RENDERERS.get(command)
    if fn is None:
        for key, value in data.items():
            print(f"{key}: {value}")
        return
    fn(data, args)


def _init(data: dict[str, Any], _: argparse.Namespace) -> None:
    print(f"Created a project in {data['root']} (history in {META_DIR}/).")
    print("Next: 'mlversion snapshot -m \"...\" PATH...' to version files.")


def _snapshot(data: dict[str, Any], _: argparse.Namespace) -> None:
    for warning in data["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    snap = data["snapshot"]
    if snap is None:
        print(data["note"])
    else:
        tags = f" [{', '.join(snap['tags'])}]" if snap["tags"] else ""
        print(f"Snapshot {snap['short_id']}{tags}: {snap['message']}")
        if data["changes"]:
            _change_table(data["changes"])
    # --alias moves even when nothing changed: to the newest version the path has.
    for moved in data.get("aliases", ()):
        print(f"{moved['path']}@{moved['alias']} -> v{moved['version']}")


def _status(data: dict[str, Any], _: argparse.Namespace) -> None:
    print(f"On branch {data.get('branch', 'main')}.")
    merging = data.get("merge")
    if merging:
        left = merging["unresolved"]
        print(
            f"Merging {merging['branch']}: {len(left)} conflict(s) unresolved"
            + (f" ({', '.join(left)})." if left else "; 'mlversion merge --continue'.")
        )
    if data["head"] is None and data["clean"]:
        print("No snapshot yet, and nothing tracked: 'mlversion snapshot -m \"...\" PATH...'.")
        return
    head = data["head"][:10] if data["head"] else "none"
    if data["clean"]:
        print(f"Nothing changed since snapshot {head} ({data['tracked']} tracked files).")
        _remote_lines(data)
        return
    if data["changes"]:
        print(f"Changes since snapshot {head}:")
        _change_table(data["changes"])
    for line in pending_lines(data):
        print(line)
    _remote_lines(data)


def _log(data: dict[str, Any], _: argparse.Namespace) -> None:
    rows = []
    for s in data["snapshots"]:
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in list(s["metrics"].items())[:3])
        names = ", ".join([*s.get("branches", ()), *s["tags"]])
        merge = " (merge)" if len(s["parents"]) > 1 else ""
        rows.append([s["short_id"], s["time"], s["author"], s["message"] + merge, names, metrics])
    if not rows:
        print("No snapshots yet.")
        return
    branch = data.get("branch", "main")
    title = f"{data['total']} snapshot(s) " + (
        "on every branch" if branch == "*" else f"on {branch}"
    )
    _table(title, ["id", "time", "author", "message", "branches, tags", "metrics"], rows)


def _show(data: dict[str, Any], _: argparse.Namespace) -> None:
    s = data["snapshot"]
    print(f"snapshot {s['id']}")
    print(f"author   {s['author']} <{s['email']}>")
    print(f"time     {s['time']}")
    if s["tags"]:
        print(f"tags     {', '.join(s['tags'])}")
    print(f"\n    {s['message']}\n")
    for name in ("metrics", "params"):
        if s[name]:
            print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(s[name].items())))
    rows = [[f["path"], f["kind"], _size(f["size"]), f["id"][:12]] for f in data["files"]]
    _table(None, ["path", "kind", "size", "id"], rows)


def _diff(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "detail" in data:  # diff --file: one file in detail
        from ..core.diffs.text import file_diff_lines

        print("\n".join(file_diff_lines(data)))
        return
    print(f"{data['old'][:10]} -> {data['new'][:10]}")
    if data["files"]:
        _table("files", ["change", "path", "kind", "size", "version"], _changes(data["files"]))
    else:
        print("No file differs.")
    for name in ("metrics", "params"):
        rows = [[d["name"], str(d["old"]), str(d["new"]), _delta(d["delta"])] for d in data[name]]
        if rows:
            _table(name, ["name", "old", "new", "delta"], rows)


def _delta(value: float | None) -> str:
    return "" if value is None else f"{value:+.4g}"


def _restore(data: dict[str, Any], _: argparse.Namespace) -> None:
    changed = [i for i in data["items"] if i["action"] != "unchanged"]
    verb = "Would change" if data["dry_run"] else "Changed"
    if data.get("safety_snapshot"):
        print(f"Unsaved work was kept first in snapshot {data['safety_snapshot'][:10]}.")
    if not changed:
        print("Every file already matches; nothing to do.")
    else:
        print(f"{verb} {len(changed)} file(s) to match {data['target'][:10]}:")
    for item in changed:
        print(f"  {item['action']:<6} {item['path']} ({_size(item['size'])})")
    if data.get("recorded"):
        print(f"Recorded this state as snapshot {data['recorded'][:10]} (the new HEAD).")


def _inputs(data: dict[str, Any], _: argparse.Namespace) -> None:
    if not data["snapshots"]:
        print(f"No snapshot records cell {data['cell']}.")
        return
    rows = []
    for snap in data["snapshots"]:
        for read in snap["reads"]:
            mark = " (changed after read)" if read["changed_since"] else ""
            rows.append(
                [
                    snap["snapshot"][:10],
                    snap["time"],
                    read["path"],
                    _version(read["version"]) + mark,
                ]
            )
    _table(f"inputs of cell {data['cell']}", ["snapshot", "time", "path", "version"], rows)


def _tag(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "tags" in data:
        if not data["tags"]:
            print("No tags.")
        for name, sha in sorted(data["tags"].items()):
            print(f"{name}\t{sha[:10]}")
    elif "deleted" in data:
        print(f"Deleted tag {data['deleted']}.")
    else:
        print(f"Tagged {data['snapshot'][:10]} as {data['tag']}.")


def _versions(data: dict[str, Any], _: argparse.Namespace) -> None:
    rows = [[v["label"], v["time"], v["snapshot"][:10], _size(v["size"]), v["id"][:12],
             ", ".join(v["aliases"])] for v in data["versions"]]  # fmt: skip
    _table(data["path"], ["version", "first seen", "snapshot", "size", "id", "aliases"], rows)


def _alias(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "events" in data:
        for e in data["events"]:
            moved = f"{_version(e['old_version'])} -> {_version(e['new_version'])}"
            print(f"{e['time']} {e['author']}: {e['path']}@{e['alias']} {moved}  {e['message']}")
    elif "aliases" in data:
        for path, names in sorted(data["aliases"].items()):
            for name, number in sorted(names.items()):
                print(f"{path}@{name} -> v{number}")
        for path, rules in sorted(data.get("follows", {}).items()):
            for name, rule in sorted(rules.items()):
                print(f"{path}@{name} follows {rule['rule']} (holder: {rule['value']})")
    elif "deleted" in data:
        print(f"Removed alias {data['deleted']}.")
    elif "unfollowed" in data:
        print(f"{data['unfollowed']} follows no metric any more (it stays where it is).")
    else:
        v = data["version"]
        rule = f", follows {data['follow']['rule']}" if data.get("follow") else ""
        print(f"{v['path']}@{data['alias']} -> {v['label']}{rule}")


def _lineage(data: dict[str, Any], _: argparse.Namespace) -> None:
    from ..core.lineage_text import lineage_lines

    print("\n".join(lineage_lines(data)))


def _reproduce(data: dict[str, Any], _: argparse.Namespace) -> None:
    from ..core.lineage_text import reproduce_lines

    print("\n".join(reproduce_lines(data)))


def _registry(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "models" in data:
        rows = [[m["name"], f"{v['number']}", f"{v['path']}@v{v['artifact_version']}", v["stage"]]
                for m in data["models"] for v in m["versions"]]  # fmt: skip
        if not rows:
            print("No registered models.")
            return
        _table("registered models", ["model", "version", "artifact", "stage"], rows)
    elif "events" in data:
        for e in data["events"]:
            print(f"{e['time']} {e['author']}: {registry_line(e)}")
    else:
        mv = data.get("registered") or data.get("promoted") or {}
        print(f"{mv['model']} version {mv['number']} ({mv['path']}@v{mv['artifact_version']}): "
              f"stage {mv['stage']}")  # fmt: skip


def registry_line(event: dict[str, Any]) -> str:
    """One registry event as one line: what happened, then its reason on the same line."""
    detail = event.get("detail") or {}
    message = str(event.get("message") or "")
    head, _, rest = message.partition("\n\n")
    reason = str(detail.get("reason") or "") or " ".join(rest.split())
    kind = event.get("kind")
    if kind == "register" and "model" in detail:
        what = f"{detail['model']} version {detail['number']}"
        if not head.startswith("register "):  # the message is the user's own words
            reason = reason or " ".join(message.split())
        head = f"registered {what} ({detail['path']}@v{detail['artifact_version']})"
    elif kind == "transition" and "model" in detail:
        head = (
            f"moved {detail['model']} version {detail['number']} from {detail['old_stage']} "
            f"to {detail['new_stage']}" + (" (automatically)" if detail.get("automatic") else "")
        )
    return f"{head}: {reason}" if reason else head


def _verify(data: dict[str, Any], _: argparse.Namespace) -> None:
    print(f"Checked {data['checked']} object(s).")
    for oid in data["corrupt"]:
        print(f"corrupt: {oid}")
    for item in data["missing"]:
        print(f"missing: {item}")
    for item in (*data.get("history", []), *data.get("project", [])):
        print(f"damaged: {item}")
    print("All objects are intact." if data["ok"] else "Problems found (see above).")


def _gc(data: dict[str, Any], _: argparse.Namespace) -> None:
    verb = "Would remove" if data["dry_run"] else "Removed"
    print(f"{verb} {data['unreachable']} object(s), {_size(data['bytes'])}.")
    if data.get("temp_files"):
        print(f"Removed {data['temp_files']} temporary file(s) left by interrupted commands.")
    if data["dry_run"] and data["unreachable"]:
        print("Run 'mlversion gc --prune' to delete them.")


def _remote_lines(data: dict[str, Any]) -> None:
    for r in data.get("remotes", []):
        if r["tracking"] is None:
            print(f"{r['branch']}: not on {r['name']} yet ('mlversion push {r['name']}')")
        elif r["ahead"] or r["behind"]:
            print(
                f"{r['branch']}: {r['ahead']} ahead, {r['behind']} behind {r['name']}/{r['branch']}"
            )
        else:
            print(f"{r['branch']}: up to date with {r['name']}/{r['branch']}")


def _remote(data: dict[str, Any], _: argparse.Namespace) -> None:
    if "added" in data or "removed" in data:
        what = "Added" if "added" in data else "Removed"
        item = data.get("added") or data["removed"]
        print(f"{what} remote {item['name']}: {item['url']}")
        return
    if not data["remotes"]:
        print("No remote yet: 'mlversion remote add origin s3://BUCKET/PREFIX'.")
        return
    for r in data["remotes"]:
        print(f"{r['name']}\t{r['url']}")
    _remote_lines(data)


def _clone(data: dict[str, Any], _: argparse.Namespace) -> None:
    head = (data["head"] or "")[:10] or "no snapshot"
    written = [i for i in (data["restore"] or {}).get("items", []) if i["action"] != "unchanged"]
    print(f"Cloned {data['fetch']['url']} into {data['root']}: {data['branch']} at {head}, "
          f"{len(written)} file(s) written.")  # fmt: skip


def _push(data: dict[str, Any], _: argparse.Namespace) -> None:
    where = f"{data['remote']}/{data['branch']}"
    if data["up_to_date"]:
        print(f"{where} is up to date ({(data['new'] or '')[:10]}).")
    else:
        print(f"Pushed {data['snapshots']} snapshot(s) to {where} ({(data['new'] or '')[:10]}): "
              f"{data['objects']} object(s), {_size(data['bytes'])} uploaded, "
              f"{data['skipped']} already there.")  # fmt: skip
    for tag in data["tag_conflicts"]:
        print(f"tag {tag} names another snapshot on {data['remote']}: kept as it is there")


def _fetch(data: dict[str, Any], _: argparse.Namespace) -> None:
    branches = ", ".join(f"{b} {s[:10]}" for b, s in sorted(data["branches"].items())) or "none"
    print(f"Fetched {data['remote']}: {data['bundles']} history bundle(s); branches: {branches}; "
          f"registry {data['registry']}.")  # fmt: skip
    if data["data_objects"]:
        print(f"Downloaded {data['data_objects']} object(s), {_size(data['data_bytes'])}.")
    for tag in data["tag_conflicts"]:
        print(f"tag {tag} names another snapshot on {data['remote']}: the local one is kept")


def _pull(data: dict[str, Any], _: argparse.Namespace) -> None:
    where = f"{data['remote']}/{data['branch']}"
    if data["action"] == "fast-forward":
        written = [i for i in data["restore"].get("items", []) if i["action"] != "unchanged"]
        print(f"Fast-forwarded {data['branch']} to {where} ({(data['new'] or '')[:10]}): "
              f"{data['snapshots']} snapshot(s), {len(written)} file(s) updated.")  # fmt: skip
    elif data["action"] in ("merged", "conflicts"):
        merge = data["merge"]
        if data["action"] == "merged":
            snap = (merge.get("snapshot") or "")[:10]
            print(f"Merged {where} into {data['branch']} ({snap}): {data['snapshots']} remote "
                  "snapshot(s); 'mlversion push' shares the merge.")  # fmt: skip
        else:
            print(f"Merging {where} into {data['branch']} stopped on conflicts:")
            for c in merge.get("conflicts", []):
                print(f"  {c['path']} ({c.get('kind', 'file')})")
            print("Settle each with 'mlversion resolve PATH [--ours|--theirs]', then "
                  "'mlversion merge --continue' (or 'mlversion merge --abort').")  # fmt: skip
    elif data["action"] == "ahead":
        print(f"{data['branch']} is ahead of {where}: nothing to pull ('mlversion push').")
    elif data["action"] == "no-remote-branch":
        print(f"{data['remote']} has no branch {data['branch']} yet.")
    else:
        print(f"{data['branch']} is up to date with {where}.")


def _simple(data: dict[str, Any], _: argparse.Namespace) -> None:
    for key, value in data.items():
        print(f"{key}: {', '.join(value) if isinstance(value, list) else value}")


_RENDERERS: dict[str, Callable[[dict[str, Any], argparse.Namespace], None]] = {
    "init": _init,
    "snapshot": _snapshot,
    "status": _status,
    "log": _log,
    "show": _show,
    "diff": _diff,
    "restore": _restore,
    "checkout": _restore,
    "inputs": _inputs,
    "tag": _tag,
    "versions": _versions,
    "alias": _alias,
    "lineage": _lineage,
    "reproduce": _reproduce,
    "registry": _registry,
    "verify": _verify,
    "gc": _gc,
    "track": _simple,
    "untrack": _simple,
    **render_branches.RENDERERS,
    "remote": _remote,
    "clone": _clone,
    "push": _push,
    "fetch": _fetch,
    "pull": _pull,
}

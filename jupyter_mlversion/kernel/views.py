"""Engine results turned into :class:`Report` objects, one small function per shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.model import ArtifactVersion, Change, FileEntry, Snapshot
from ..core.results import Diff, GcReport, RestoreResult, Status, VerifyReport, pending_lines
from .render import Report
from .session import CommitOutcome


def _version(value: int | None) -> str:
    return "" if value is None else f"v{value}"


def _changes(report: Report, changes: Sequence[Change], empty: str) -> None:
    rows = [
        [
            c.path,
            c.status,
            c.to_dict()["kind"],
            _version(c.old_version),
            _version(c.new_version),
        ]
        for c in changes
    ]
    report.table(["path", "status", "kind", "from", "to"], rows, empty)


def commit(outcome: CommitOutcome) -> Report:
    snap = outcome.result.snapshot
    if snap is None:
        report = Report(outcome.result.note() or "")
    else:
        report = Report(f"Snapshot {snap.short_id}: {snap.message or '(no message)'}")
        _changes(report, outcome.result.changes, "(no file changed)")
        if snap.metrics:
            report.line(
                "metrics: " + ", ".join(f"{k}={v}" for k, v in sorted(snap.metrics.items()))
            )
        if snap.tags:
            report.line("tags: " + ", ".join(snap.tags))
    for note in outcome.notes:
        report.line(note)
    for warning in outcome.warnings:
        report.warning(warning)
    if outcome.suggested_message:
        report.line(f"suggested message: {outcome.suggested_message}")
    report.data = outcome
    return report


def status(result: Status) -> Report:
    head = result.head[:10] if result.head else "no snapshot yet"
    title = f"On branch {result.branch}: {result.tracked} tracked files, head {head}"
    report = Report(title + (": clean" if result.clean else ""))
    if result.merge:
        left = result.merge["unresolved"]
        report.warning(f"merging {result.merge['branch']}: {len(left)} conflict(s) unresolved"
                       + (f" ({', '.join(left)})" if left else ""))  # fmt: skip
    if not result.clean:
        _changes(report, result.changes, "")
        for line in pending_lines(result.to_dict()):
            report.line(line)
    report.data = result
    return report


def log(snapshots: Sequence[Snapshot]) -> Report:
    rows = [
        [
            s.short_id,
            s.time,
            s.author,
            s.message + (" (merge)" if len(s.parents) > 1 else ""),
            ", ".join(s.tags),
            ", ".join(f"{k}={v:.4g}" for k, v in sorted(s.metrics.items())),
        ]
        for s in snapshots
    ]
    report = Report(f"{len(rows)} snapshots, newest first")
    report.table(["id", "time", "author", "message", "tags", "metrics"], rows, "(no snapshot yet)")
    report.data = list(snapshots)
    return report


def show(snap: Snapshot, files: Sequence[FileEntry]) -> Report:
    report = Report(f"Snapshot {snap.short_id}: {snap.message}")
    report.line(f"{snap.author} <{snap.email}>, {snap.time}")
    if snap.tags:
        report.line("tags: " + ", ".join(snap.tags))
    report.table(
        ["path", "kind", "size", "id"], [[f.path, f.kind, f.size, f.id[:12]] for f in files]
    )
    values = [["metric", k, v] for k, v in sorted(snap.metrics.items())]
    values += [["param", k, v] for k, v in sorted(snap.params.items())]
    if values:
        report.table(["", "name", "value"], values)
    rows = []
    for cell in snap.lineage:
        for direction, items in (("read", cell.reads), ("wrote", cell.writes)):
            for item in items:
                changed = "changed since" if item.get("changed_since") else ""
                rows.append(
                    [
                        cell.cell_id,
                        cell.execution_count,
                        direction,
                        item["path"],
                        str(item.get("id") or "")[:12],
                        changed,
                    ]
                )
    if rows:
        report.line("lineage:")
        report.table(["cell", "run", "", "path", "id", "note"], rows)
    report.data = (snap, list(files))
    return report


def diff(result: Diff) -> Report:
    report = Report(f"Diff {result.old[:10]}..{result.new[:10]}")
    _changes(report, result.files, "(no file changed)")
    values = [["metric", d.name, d.old, d.new, d.delta] for d in result.metrics]
    values += [["param", d.name, d.old, d.new, d.delta] for d in result.params]
    if values:
        report.table(["", "name", "old", "new", "delta"], values)
    report.data = result
    return report


def file_diff(answer: dict[str, Any]) -> Report:
    """One file in detail, as the command line prints it; ``data`` is the REST-shaped JSON."""
    from ..core.diffs.text import file_diff_lines  # the diff package pulls pyarrow and nbdime

    title, *lines = file_diff_lines(answer)
    report = Report(title)
    for line in lines:
        report.line(line)
    report.data = answer
    return report


def verify(result: VerifyReport) -> Report:
    report = Report(f"Checked {result.checked} object(s): " + ("all intact" if result.ok else
                    "problems found"))  # fmt: skip
    for oid in result.corrupt:
        report.warning(f"corrupt: {oid}")
    for item in result.missing:
        report.warning(f"missing: {item}")
    for item in (*result.history, *result.project):
        report.warning(f"damaged: {item}")
    report.data = result
    return report


def gc(result: GcReport) -> Report:
    verb = "Would remove" if result.dry_run else "Removed"
    report = Report(f"{verb} {result.unreachable} object(s), {result.bytes} bytes")
    if result.dry_run and result.unreachable:
        report.line("run '%mlversion gc --prune' to delete them")
    report.data = result
    return report


def restore(result: RestoreResult, what: str) -> Report:
    verb = "Would restore" if result.dry_run else "Restored"
    changed = result.changed
    report = Report(
        f"{verb} {len(changed)} of {len(result.items)} {what} from {result.target[:10]}"
    )
    rows = [
        [i.path, i.action, (i.current_id or "")[:12], (i.target_id or "")[:12], i.size]
        for i in result.items
    ]
    report.table(["path", "action", "current id", "restored id", "size"], rows)
    if result.safety_snapshot:
        report.line(f"your previous files were snapshotted first as {result.safety_snapshot[:10]}")
    if result.dry_run:
        report.line("dry run: nothing was written; run again without --dry-run to restore")
    report.data = result
    return report


def versions(path: str, found: Sequence[ArtifactVersion]) -> Report:
    rows = [
        [v.label, v.id[:12], v.size, v.snapshot[:10], v.time, ", ".join(v.aliases)] for v in found
    ]
    report = Report(f"Versions of {path}")
    report.table(["version", "id", "size", "first snapshot", "time", "aliases"], rows)
    report.data = list(found)
    return report


def inputs(cell_id: str, rows: Sequence[dict[str, Any]]) -> Report:
    """The files a cell read, per snapshot: whatever keys the engine gives, best ones first."""
    report = Report(f"Data inputs of cell {cell_id} across snapshots")
    flat: list[dict[str, Any]] = []
    for row in rows:
        if "reads" in row:
            for item in row["reads"]:
                flat.append({**{k: v for k, v in row.items() if k != "reads"}, **item})
        else:
            flat.append(row)
    table = []
    for item in flat:
        version = item.get("version")
        label = f"v{version}" if isinstance(version, int) else (version or "")
        table.append(
            [
                str(item.get("snapshot") or "")[:10],
                item.get("path"),
                label,
                str(item.get("id") or "")[:12],
                "changed since" if item.get("changed_since") else "",
            ]
        )
    report.table(
        ["snapshot", "path", "version", "id", "note"],
        table,
        "(no snapshot records this cell reading a file)",
    )
    report.data = list(rows)
    return report


def simple(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], data: Any) -> Report:
    report = Report(title).table(headers, list(rows))
    report.data = data
    return report

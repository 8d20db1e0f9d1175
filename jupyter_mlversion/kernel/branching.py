"""``%mlversion branch``, ``switch``, ``merge`` and ``resolve`` as Reports over the facade."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError

from ..core.repository import Repository
from .render import Report

Route = Callable[[argparse.Namespace], Report]


def _files(report: Report, files: list[dict[str, Any]]) -> Report:
    rows = [[f["outcome"], f["path"], f.get("detail", "")] for f in files]
    return report.table(["outcome", "path", "detail"], rows, "(no file changed)")


def branch(repo: Repository, args: argparse.Namespace) -> Report:
    if args.delete or args.force_delete:
        if not args.name:
            raise UsageError("branch -d/-D needs the branch's name")
        gone = repo.delete_branch(args.name, force=args.force_delete)
        report = Report(f"Deleted branch {gone.name} (was {gone.head[:10]})")
        if gone.unreachable:
            report.warning(f"{len(gone.unreachable)} snapshot(s) are on no branch now")
        report.data = gone
        return report
    if args.name:
        made = repo.create_branch(args.name, args.ref)
        report = Report(f"Created branch {made.name} at {made.head[:10]}")
        report.data = made
        return report
    found = repo.branches()
    rows = [
        [
            "*" if b.current else "",
            b.name,
            b.head[:10],
            b.ahead,
            b.behind,
            "yes" if b.merged else "no",
        ]
        for b in found.branches
    ]
    report = Report(f"On branch {found.current}")
    report.table(["", "branch", "head", "ahead of main", "behind main", "merged"], rows)
    report.data = found
    return report


def switch(repo: Repository, args: argparse.Namespace) -> Report:
    result = repo.switch(args.name, create=args.create, dry_run=args.dry_run)
    changed = result.restore.changed if result.restore else ()
    verb = "Would switch" if args.dry_run else "Switched"
    report = Report(f"{verb} to {result.branch} ({len(changed)} file(s) changed)")
    if result.restore and result.restore.safety_snapshot:
        report.line(f"unsaved work kept in snapshot {result.restore.safety_snapshot[:10]}")
    report.data = result
    return report


def merge(repo: Repository, args: argparse.Namespace) -> Report:
    if args.abort:
        state = repo.merge_abort()
        report = Report(f"Merge of {state.branch} aborted; files are as in {state.ours[:10]}")
        report.data = state
        return report
    if args.cont:
        done = repo.merge_continue(message=args.message, metrics=args.metric, params=args.param)
        report = Report(f"Merged {done.branch}: snapshot {str(done.snapshot)[:10]}")
        report.data = done
        return report
    if not args.branch:
        waiting = repo.merge_state()
        if waiting is None:
            raise UsageError("merge which branch? '%mlversion merge BRANCH'")
        report = Report(f"Merging {waiting.branch}: {len(waiting.unresolved)} unresolved")
        report.data = waiting
        return _files(report, list(waiting.conflicts))
    if args.preview:
        preview = repo.merge_preview(args.branch, keys=args.keys)
        report = _files(Report(f"Merging {args.branch} would give"), preview["files"])
        report.data = preview
        return report
    result = repo.merge(args.branch, message=args.message, keys=args.keys,
                        metrics=args.metric, params=args.param)  # fmt: skip
    titles = {
        "up-to-date": f"Already up to date with {args.branch}",
        "fast-forward": f"Fast-forward to {result.theirs[:10]} ({args.branch})",
        "merged": f"Merged {args.branch}: snapshot {str(result.snapshot)[:10]}",
        "conflicts": f"Merge of {args.branch} stopped on {len(result.conflicts)} conflict(s)",
    }
    report = _files(Report(titles[result.state]), [f.to_dict() for f in result.files])
    if result.state == "conflicts":
        report.line("resolve each with '%mlversion resolve PATH --ours|--theirs', then "
                    "'%mlversion merge --continue' (or '--abort')")  # fmt: skip
    report.data = result
    return report


def resolve(repo: Repository, args: argparse.Namespace) -> Report:
    state = repo.resolve_conflict(args.path, args.side)
    left = state.unresolved
    report = Report(f"Resolved {args.path}; {len(left)} conflict(s) left")
    report.data = state
    return report


def routes(repo: Callable[[], Repository]) -> dict[str, Route]:
    """The magic's routes for these verbs, each opening the project through ``repo``."""
    return {
        "branch": lambda a: branch(repo(), a),
        "switch": lambda a: switch(repo(), a),
        "merge": lambda a: merge(repo(), a),
        "resolve": lambda a: resolve(repo(), a),
    }

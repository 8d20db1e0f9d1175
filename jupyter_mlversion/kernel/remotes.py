"""``%mlversion remote|clone|push|fetch|pull``: the remote verbs in the notebook."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..core.repository import Repository
from .render import Report


def _ahead_behind(repo: Repository, report: Report) -> Report:
    rows = [
        [r.name, r.url, r.branch, r.ahead, r.behind, (r.tracking or "")[:10]]
        for r in repo.remote_status()
    ]
    empty = "(no remote: '%mlversion remote add origin s3://BUCKET/PREFIX')"
    headers = ["remote", "url", "branch", "ahead", "behind", "remote tip"]
    return report.table(headers, rows, empty=empty)


def remote(repo: Repository, args: argparse.Namespace) -> Report:
    if args.action == "add":
        added = repo.remote_add(args.name, args.url)
        return Report(f"Added remote {added['name']}: {added['url']}", data=added)
    if args.action == "remove":
        removed = repo.remote_remove(args.name)
        return Report(f"Removed remote {removed['name']} ({removed['url']})", data=removed)
    return _ahead_behind(repo, Report("Remotes", data=repo.remote_status()))


def clone(args: argparse.Namespace) -> Report:
    folder = args.dir or args.url.rstrip("/").rsplit("/", 1)[-1] or "clone"
    repo, info = Repository.clone(args.url, Path(os.getcwd()) / folder, data=args.data)
    return Report(f"Cloned {args.url} into {repo.root}", data=info).line(
        f"{info['branch']} at {(info['head'] or '')[:10] or 'no snapshot'}"
    )


def push(repo: Repository, args: argparse.Namespace) -> Report:
    done = repo.push(args.remote, args.branch)
    where = f"{done.remote}/{done.branch}"
    if done.up_to_date:
        return Report(f"{where} is up to date", data=done)
    report = Report(f"Pushed {done.snapshots} snapshot(s) to {where}", data=done).line(
        f"{done.objects} object(s), {done.bytes} bytes uploaded; {done.skipped} already there"
    )
    for tag in done.tag_conflicts:
        report.warning(f"tag {tag} names another snapshot on {done.remote}: kept as it is there")
    return report


def fetch(repo: Repository, args: argparse.Namespace) -> Report:
    got = repo.fetch(args.remote, data=args.data is not None, paths=args.data or [])
    report = Report(f"Fetched {got.remote}: {got.bundles} history bundle(s)", data=got)
    if got.data_objects:
        report.line(f"Downloaded {got.data_objects} object(s), {got.data_bytes} bytes")
    return _ahead_behind(repo, report)


def pull(repo: Repository, args: argparse.Namespace) -> Report:
    got = repo.pull(args.remote, args.branch)
    if got.action == "fast-forward":
        written = [i for i in got.restore.get("items", []) if i["action"] != "unchanged"]
        return Report(f"Fast-forwarded {got.branch} by {got.snapshots} snapshot(s)", data=got).line(
            f"{len(written)} file(s) updated"
        )
    return Report(f"{got.branch}: {got.action}", data=got)

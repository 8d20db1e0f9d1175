"""``mlversion branch``, ``switch``, ``merge`` and ``resolve``: thin calls into the facade."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.repository import Repository
from . import render
from .parser import UsageError


def _repo() -> Repository:
    return Repository.open(Path.cwd())


def cmd_branch(args: argparse.Namespace) -> Any:
    repo = _repo()
    if args.delete or args.force_delete:
        if not args.name:
            raise UsageError("branch -d/-D needs the branch's name")
        return {"deleted": repo.delete_branch(args.name, force=args.force_delete).to_dict()}
    if args.name:
        return {"created": repo.create_branch(args.name, args.ref).to_dict()}
    return repo.branches()


def cmd_switch(args: argparse.Namespace) -> Any:
    repo = _repo()
    with render.progress(enabled=not args.json) as bar:
        return repo.switch(args.name, create=args.create, dry_run=args.dry_run, progress=bar)


def cmd_merge(args: argparse.Namespace) -> Any:
    repo = _repo()
    if args.abort or args.cont:
        if args.branch:
            raise UsageError("merge --abort/--continue take no branch: they act on the merge")
        if args.abort:
            state = repo.merge_abort()
            return {"aborted": True, "branch": state.branch, "head": state.ours}
        return repo.merge_continue(message=args.message, metrics=args.metric, params=args.param)
    if not args.branch:
        waiting = repo.merge_state()
        if waiting is None:
            raise UsageError("merge which branch? 'mlversion merge BRANCH' ('mlversion branch')")
        return waiting
    if args.preview:
        return {"preview": repo.merge_preview(args.branch, keys=args.keys)}
    with render.progress(enabled=not args.json) as bar:
        return repo.merge(
            args.branch,
            message=args.message,
            keys=args.keys,
            metrics=args.metric,
            params=args.param,
            progress=bar,
        )


def cmd_resolve(args: argparse.Namespace) -> Any:
    repo = _repo()
    state = repo.resolve_conflict(repo.relpath(Path.cwd() / args.path), args.side)
    return {"resolved": repo.relpath(Path.cwd() / args.path), "merge": state.to_dict()}


COMMANDS = {
    "branch": cmd_branch,
    "switch": cmd_switch,
    "merge": cmd_merge,
    "resolve": cmd_resolve,
}

"""``mlversion``: the command line, a thin layer over :class:`Repository`.

Each command parses, calls the facade once, and prints either JSON (``--json``)
or a readable rendering. Engine errors become one line on stderr and exit 1;
usage errors exit 2; a failed ``verify`` exits 3.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import MlversionError
from ..core.progress import unit_of
from ..core.refs import split_artifact_ref
from ..core.repository import Repository
from . import branching, render
from .parser import UsageError, parse_args

Handler = Callable[[argparse.Namespace], Any]


def _repo(args: argparse.Namespace) -> Repository:
    return Repository.open(Path.cwd())


def _ref(repo: Repository, ref: str) -> str:
    """Make the path part of ``PATH@x`` relative to the project, as typed from the cwd."""
    parsed = split_artifact_ref(ref)
    if parsed is None:
        return ref
    return f"{repo.relpath(Path.cwd() / parsed.path)}@{parsed.selector}"


def _abs(paths: Sequence[str]) -> list[Path]:
    if any(not p.strip() for p in paths):  # Path.cwd() / "" would name the whole folder
        raise UsageError("an empty path names no file; give a path (or '.' for the folder)")
    return [Path.cwd() / p for p in paths]


# -- commands ----------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> Any:
    repo = Repository.init(Path.cwd() / (args.path or "."))
    return {"root": str(repo.root)}


def cmd_snapshot(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        result = repo.snapshot(
            _abs(args.paths),
            notebook=Path.cwd() / args.notebook if args.notebook else None,
            message=args.message,
            metrics=args.metric,
            params=args.param,
            tags=args.tag,
            progress=bar,
        )
    return _with_aliases(repo, result, args)


def _with_aliases(repo: Repository, result: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Move each ``--alias PATH:NAME`` to PATH's newest version, as the magic's commit does."""
    moved = []
    for path, name in args.alias:
        version = repo.set_alias(repo.relpath(Path.cwd() / path), name, message=args.message)
        moved.append({"path": version.path, "alias": name, "version": version.version})
    return {**result.to_dict(), "aliases": moved}


def cmd_track(args: argparse.Namespace) -> Any:
    return {"tracked": _repo(args).track(_abs(args.paths))}


def cmd_untrack(args: argparse.Namespace) -> Any:
    return {"untracked": _repo(args).untrack(_abs(args.paths))}


def cmd_status(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        status = repo.status(
            _abs(args.paths),
            notebook=Path.cwd() / args.notebook if args.notebook else None,
            progress=bar,
        ).to_dict()
    if repo.remotes():  # ahead/behind of the current branch, as of the last fetch
        status["remotes"] = [r.to_dict() for r in repo.remote_status()]
    return status


def cmd_log(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    path = repo.relpath(Path.cwd() / args.path) if args.path else None
    branch = "*" if args.all else args.branch
    snaps = repo.log(path=path, limit=args.limit, offset=args.offset, branch=branch)
    heads: dict[str, list[str]] = {}
    for info in repo.branches().branches:
        heads.setdefault(info.head, []).append(info.name)
    return {
        "total": repo.count(path=path, branch=branch),
        "branch": branch or repo.current_branch(),
        "snapshots": [
            {**s.to_dict(with_lineage=False), "branches": heads.get(s.id, [])} for s in snaps
        ],
    }


def cmd_show(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    snap, files = repo.show(_ref(repo, args.ref))
    return {"snapshot": snap.to_dict(), "files": [f.to_dict() for f in files]}


def cmd_diff(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    old, new = _ref(repo, args.old), _ref(repo, args.new)
    if args.file:
        return repo.diff_file(
            repo.relpath(Path.cwd() / args.file), old, new, outputs=args.outputs, keys=args.keys
        )
    if args.keys:
        raise UsageError("--key chooses a table's key columns: give it with --file PATH")
    return repo.diff(old, new)


def cmd_restore(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        if args.cell:
            if args.paths:
                raise UsageError("give either --cell or paths, not both")
            notebook = str(Path.cwd() / args.notebook) if args.notebook else None
            return repo.restore_cell_inputs(
                args.cell, to=_ref(repo, args.to), notebook=notebook, dry_run=args.dry_run,
                progress=bar,
            )  # fmt: skip
        return repo.restore(
            _abs(args.paths), to=_ref(repo, args.to), dry_run=args.dry_run, progress=bar
        )


def cmd_checkout(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        return repo.checkout(_ref(repo, args.ref), dry_run=args.dry_run, progress=bar)


def cmd_inputs(args: argparse.Namespace) -> Any:
    if not args.cell:
        raise UsageError("inputs: which cell? 'mlversion inputs CELL_ID' (ids are in 'show')")
    repo = _repo(args)
    notebook = str(Path.cwd() / args.notebook) if args.notebook else None
    return {"cell": args.cell, "snapshots": repo.cell_inputs(args.cell, notebook=notebook)}


def cmd_tag(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    if args.delete:
        if not args.name:
            raise UsageError("tag --delete needs the tag's name")
        repo.delete_tag(args.name, reason=args.message)
        return {"deleted": args.name}
    if args.name:
        sha = repo.tag(args.name, _ref(repo, args.ref), message=args.message)
        return {"tag": args.name, "snapshot": sha}
    return {"tags": repo.tags()}


def cmd_versions(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    rel = repo.relpath(Path.cwd() / args.path)
    return {"path": rel, "versions": [v.to_dict() for v in repo.versions(rel)]}


def cmd_alias(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    rel = repo.relpath(Path.cwd() / args.path) if args.path else None
    if args.history:
        return {"events": [e.to_dict() for e in repo.alias_history(rel)]}
    if rel is None or args.name is None:
        if args.delete:
            raise UsageError("alias --delete needs PATH and NAME")
        return {"aliases": repo.aliases(rel), "follows": repo.alias_follows(rel)}
    if args.delete:
        repo.remove_alias(rel, args.name)
        return {"deleted": f"{rel}@{args.name}"}
    if args.no_follow:
        repo.unfollow_alias(rel, args.name)
        return {"unfollowed": f"{rel}@{args.name}"}
    if args.follow:
        version = repo.follow_alias(rel, args.name, args.follow, args.version, message=args.message)
        follows = repo.alias_follows(rel).get(rel, {}).get(args.name)
        return {"alias": args.name, "version": version.to_dict(), "follow": follows}
    version = repo.set_alias(rel, args.name, args.version, message=args.message)
    return {"alias": args.name, "version": version.to_dict()}


def cmd_lineage(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    path = _ref(repo, args.path) if "@" in args.path else repo.relpath(Path.cwd() / args.path)
    return repo.lineage(path, depth=args.depth, max_nodes=args.max_nodes)


def cmd_reproduce(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    notebook = str(Path.cwd() / args.notebook) if args.notebook else None
    return repo.reproduce(args.cell, at=_ref(repo, args.at), notebook=notebook)


def cmd_registry(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    if args.action == "register":
        ref = _ref(repo, args.ref) if "@" in args.ref else repo.relpath(Path.cwd() / args.ref)
        return {
            "registered": repo.register_model(
                args.name, ref, description=args.description
            ).to_dict()
        }
    if args.action == "promote":
        mv = repo.promote_model(args.name, args.version, args.stage, reason=args.reason)
        return {"promoted": mv.to_dict()}
    if args.action == "history":
        return {"events": [e.to_dict() for e in repo.registry_history(args.name)]}
    return {"models": [m.to_dict() for m in repo.registered_models()]}


def cmd_remote(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    if args.action == "add":
        return {"added": repo.remote_add(args.name, args.url)}
    if args.action == "remove":
        return {"removed": repo.remote_remove(args.name)}
    return {"remotes": [r.to_dict() for r in repo.remote_status()]}


def cmd_clone(args: argparse.Namespace) -> Any:
    folder = args.dir or args.url.rstrip("/").rsplit("/", 1)[-1] or "clone"
    with render.progress(enabled=not args.json) as bar:
        repo, info = Repository.clone(args.url, Path.cwd() / folder, data=args.data, progress=bar)
    return {"root": str(repo.root), **info}


def cmd_push(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        return repo.push(args.remote, args.branch, progress=bar)


def cmd_fetch(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    paths = _abs(args.data) if args.data else []
    with render.progress(enabled=not args.json) as bar:
        return repo.fetch(args.remote, data=args.data is not None, paths=paths, progress=bar)


def cmd_pull(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json) as bar:
        return repo.pull(args.remote, args.branch, progress=bar)


def cmd_verify(args: argparse.Namespace) -> Any:
    repo = _repo(args)
    with render.progress(enabled=not args.json, unit=unit_of("verify")) as bar:
        return repo.verify(progress=bar)


def cmd_gc(args: argparse.Namespace) -> Any:
    return _repo(args).gc(dry_run=not args.prune)


COMMANDS: dict[str, Handler] = {
    name[4:]: fn for name, fn in globals().items() if name.startswith("cmd_") and callable(fn)
}
COMMANDS.update(branching.COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlversion`` script; returns the exit code.

    Every failure is one line on stderr (and, with ``--json``, an ``{"error", "message"}``
    object on stdout): usage errors exit 2, engine errors 1, an interrupt 130. A reader
    that closes the pipe early (``| head``) ends the command quietly with 141, as git does.
    """
    words = sys.argv[1:] if argv is None else list(argv)
    _skip_iri_grammars()
    as_json = "--json" in words
    try:
        args, data = _run(words)
        if as_json:
            print(json.dumps(data, indent=2, sort_keys=True, default=str))
        else:
            render.human(args.command, data, args)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice: point stdout at devnull so the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # the one place where failures become a line
        return _fail(exc, as_json)
    except KeyboardInterrupt:
        return _fail(KeyboardInterrupt(), as_json)
    if args.command == "verify" and not data["ok"]:
        return 3
    if args.command == "merge" and data.get("state") == "conflicts":
        return 1  # as git: a script must not go on as if the merge were done
    return 0


def _skip_iri_grammars() -> None:
    """Keep ``rfc3987_syntax`` out of this process.

    jsonschema (imported by nbformat) loads it, if installed, to check the "iri" formats, and
    it compiles its grammars on import: ~0.9 s added to every command that reads a notebook.
    No schema this command line validates (nbformat's) uses those formats; a module mapped to
    None makes jsonschema's guarded import fail, and it registers the other checks as usual.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _run(words: list[str]) -> tuple[argparse.Namespace, Any]:
    args = parse_args(words)
    if args.cwd:
        os.chdir(args.cwd)
    result = COMMANDS[args.command](args)
    return args, result.to_dict() if hasattr(result, "to_dict") else result


def _fail(exc: BaseException, as_json: bool) -> int:
    """Print ``exc`` as one line (and as JSON with ``--json``); return its exit code."""
    if isinstance(exc, UsageError):
        code, line = 2, f"mlversion: {exc}"
    elif isinstance(exc, MlversionError):
        code, line = 1, f"mlversion: error: {exc}"
    elif isinstance(exc, KeyboardInterrupt):
        code, line = 130, "mlversion: interrupted; nothing partial was kept"
    elif isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        code, line = 1, f"mlversion: error: {exc.strerror or exc}{where}"
    elif isinstance(exc, UnicodeError):
        code = 1
        line = f"mlversion: error: a name or file is not valid UTF-8 ({exc}); rename it and retry"
    else:
        # A bug of ours: still one line (JSON with --json); MLVERSION_DEBUG=1 shows the traceback.
        if os.environ.get("MLVERSION_DEBUG"):
            raise exc
        code = 1
        line = (
            f"mlversion: error: internal error ({type(exc).__name__}: {exc}); "
            "run again with MLVERSION_DEBUG=1 for the traceback and report it"
        )
    message = line.removeprefix("mlversion: ").removeprefix("error: ")
    with contextlib.suppress(BrokenPipeError):
        if as_json:
            name = type(exc).__name__
            print(json.dumps({"error": name, "message": message}, sort_keys=True), flush=True)
        print(line, file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

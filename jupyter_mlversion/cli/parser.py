"""The ``mlversion`` argument parser: one sub-parser per command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from ..core.layout import META_DIR
from ..core.model import STAGES


class UsageError(Exception):
    """A command line that does not parse; shown as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("mlversion").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see '{self.prog} --help')")


def _count(text: str) -> int:
    """A whole number >= 0 (``log -n -1`` is refused, as the REST API refuses it)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON (shape documented in README)")


class _Skipped:
    """Stands in for a command's sub-parser that this command line does not use.

    Building every sub-parser costs about 10 ms, a tenth of a "nothing changed" snapshot.
    """

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self


class _OnlySubParsers:
    """Adds the sub-parser of one command, or of all when ``only`` is None."""

    def __init__(self, action: Any, only: str | None) -> None:
        self._action, self._only = action, only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self._only is not None and name != self._only:
            return _Skipped()
        return self._action.add_parser(name, **kwargs)


def command_of(argv: Sequence[str]) -> str | None:
    """The command a command line names (the first word that is not ``-C DIR``), if any."""
    words = iter(argv)
    for word in words:
        if word == "-C":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only`` (a valid command), just that command's sub-parser is built."""
    parser = _Parser(
        prog="mlversion",
        description="Version data, models and notebooks of a Jupyter project.",
    )
    parser.add_argument("-C", dest="cwd", metavar="DIR", help="run as if started in DIR")
    action = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    action.required = True
    sub = _OnlySubParsers(action, only)

    p = sub.add_parser("init", help=f"create a project (a {META_DIR}/ folder)")
    p.add_argument("path", nargs="?", default=".")
    _json(p)

    p = sub.add_parser("snapshot", help="record a snapshot (of PATHS only, when given)")
    p.add_argument("paths", nargs="*", help="files or folders to record (tracked from now on)")
    p.add_argument(
        "--notebook",
        metavar="PATH",
        help="the notebook and what its cells read and wrote",
    )
    p.add_argument("-m", "--message", default="")
    p.add_argument("--metric", action="append", default=[], metavar="K=V")
    p.add_argument("--param", action="append", default=[], metavar="K=V")
    p.add_argument("--tag", action="append", default=[], metavar="NAME")
    _json(p)

    for name, text in (("track", "track paths from the next snapshot on"),
                       ("untrack", "stop tracking paths")):  # fmt: skip
        p = sub.add_parser(name, help=text)
        p.add_argument("paths", nargs="+")
        _json(p)

    p = sub.add_parser("status", help="what the next snapshot would record")
    p.add_argument("paths", nargs="*", help="only these files or folders")
    p.add_argument("--notebook", metavar="PATH", help="as a snapshot of this notebook would")
    _json(p)

    p = sub.add_parser("log", help="list snapshots, newest first")
    p.add_argument("--path", help="only snapshots that changed this path")
    p.add_argument("-n", "--limit", type=_count, default=None)
    p.add_argument("--offset", type=_count, default=0)
    _json(p)

    p = sub.add_parser("show", help="a snapshot's details and files")
    p.add_argument("ref", nargs="?", default="HEAD")
    _json(p)

    p = sub.add_parser("diff", help="differences between two references")
    p.add_argument("old", nargs="?", default="HEAD~1")
    p.add_argument("new", nargs="?", default="HEAD")
    _json(p)

    p = sub.add_parser("restore", help="restore files (or a cell's inputs) to a reference")
    p.add_argument("paths", nargs="*")
    p.add_argument("--to", default="HEAD", metavar="REF")
    p.add_argument("--cell", help="restore the files this cell read (by cell id)")
    p.add_argument("--notebook", help="notebook of --cell, when several have that cell id")
    p.add_argument("--dry-run", action="store_true")
    _json(p)

    p = sub.add_parser("checkout", help="make the tracked files match a snapshot")
    p.add_argument("ref")
    p.add_argument("--dry-run", action="store_true")
    _json(p)

    p = sub.add_parser("inputs", help="the files a cell read, across snapshots")
    p.add_argument("cell")
    p.add_argument("--notebook")
    _json(p)

    p = sub.add_parser("tag", help="list tags, or tag a snapshot")
    p.add_argument("name", nargs="?")
    p.add_argument("ref", nargs="?", default="HEAD")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-d", "--delete", action="store_true")
    _json(p)

    p = sub.add_parser("versions", help="v0..vN of a path")
    p.add_argument("path")
    _json(p)

    p = sub.add_parser("alias", help="list, move or delete aliases of a path's versions")
    p.add_argument("path", nargs="?")
    p.add_argument("name", nargs="?")
    p.add_argument("version", nargs="?", help="vN (default: the newest version)")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-d", "--delete", action="store_true")
    p.add_argument("--history", action="store_true", help="every recorded move")
    _json(p)

    p = sub.add_parser("registry", help="the model registry")
    reg = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    reg.required = True
    r = reg.add_parser("register", help="link a model version to a registered model")
    r.add_argument("name")
    r.add_argument("ref", help="PATH@vN, PATH@alias or PATH (its newest version)")
    r.add_argument("--description", default="")
    _json(r)
    r = reg.add_parser("promote", help="move a model version to a stage")
    r.add_argument("name")
    r.add_argument("version", type=int)
    r.add_argument("stage", choices=STAGES)
    r.add_argument("--reason", default="")
    _json(r)
    r = reg.add_parser("list", help="registered models, versions and stages")
    _json(r)
    r = reg.add_parser("history", help="every registration and stage move")
    r.add_argument("name", nargs="?")
    _json(r)

    p = sub.add_parser("verify", help="rehash every object; report corrupt or missing ones")
    _json(p)

    p = sub.add_parser("gc", help="remove objects no snapshot needs (a dry run unless --prune)")
    p.add_argument("--prune", action="store_true", help="really delete them")
    _json(p)
    return parser

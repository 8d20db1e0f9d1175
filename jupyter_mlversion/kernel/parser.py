"""The ``%mlversion`` argument parser: the command line's subcommands, minus exits."""

from __future__ import annotations

import argparse
import shlex
from typing import Any, NoReturn

from IPython.core.error import UsageError


class HelpShown(Exception):
    """``-h`` was asked for: the text to show instead of running anything."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class MagicParser(argparse.ArgumentParser):
    """Raises instead of calling ``sys.exit``, so a mistake never kills or tracebacks."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            raise UsageError(message.strip())
        raise HelpShown(self.format_help())

    def print_help(self, file: Any = None) -> None:
        raise HelpShown(self.format_help())


def key_value(text: str) -> tuple[str, str]:
    """``k=v`` as a pair; argparse turns the ValueError into a usage message."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return key.strip(), value.strip()


def path_alias(text: str) -> tuple[str, str]:
    """``PATH:NAME`` as a pair (the last colon splits, so Windows drives survive)."""
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name:
        raise argparse.ArgumentTypeError(f"expected PATH:NAME, got {text!r}")
    return path, name


def build() -> MagicParser:
    """The parser for every subcommand of ``%mlversion``."""
    parser = MagicParser(prog="%mlversion", description="Version data, models and notebooks.")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=MagicParser)

    sub.add_parser("init", help="create a project in the notebook's folder")

    commit = sub.add_parser("commit", help="snapshot the notebook, its data and its models")
    commit.add_argument("-m", "--message", default="")
    commit.add_argument("--metric", action="append", type=key_value, default=[], metavar="K=V")
    commit.add_argument("--param", action="append", type=key_value, default=[], metavar="K=V")
    commit.add_argument("--tag", action="append", default=[])
    commit.add_argument(
        "--alias", action="append", type=path_alias, default=[], metavar="PATH:NAME"
    )
    commit.add_argument("--notebook", help="notebook file, when the kernel cannot know it")
    commit.add_argument("paths", nargs="*", help="extra files or folders to include")

    sub.add_parser("status", help="what changed since the last snapshot")

    log = sub.add_parser("log", help="snapshots, newest first")
    log.add_argument("-n", "--limit", type=int, default=20)
    log.add_argument("--path", help="only snapshots that changed PATH")

    show = sub.add_parser("show", help="one snapshot: files, metrics, lineage")
    show.add_argument("ref", nargs="?", default="HEAD")

    diff = sub.add_parser("diff", help="files, metrics and params between two snapshots")
    diff.add_argument("old", nargs="?", default="HEAD~1")
    diff.add_argument("new", nargs="?", default="HEAD")

    restore = sub.add_parser("restore", help="bring files back from a snapshot")
    restore.add_argument("paths", nargs="*")
    restore.add_argument("--to", default="HEAD")
    restore.add_argument("--dry-run", action="store_true")
    restore.add_argument("--cell", help="restore exactly the files this cell read")

    tag = sub.add_parser("tag", help="list tags, or name a snapshot")
    tag.add_argument("name", nargs="?")
    tag.add_argument("ref", nargs="?", default="HEAD")
    tag.add_argument("-m", "--message", default="")
    tag.add_argument("-d", "--delete", action="store_true")

    versions = sub.add_parser("versions", help="the versions of one file")
    versions.add_argument("path")

    alias = sub.add_parser("alias", help="list aliases, or point PATH@NAME at a version")
    alias.add_argument("path", nargs="?")
    alias.add_argument("name", nargs="?")
    alias.add_argument("--version", help="vN or N (default: the latest version)")
    alias.add_argument("--remove", action="store_true")
    alias.add_argument("--history", action="store_true")
    alias.add_argument("-m", "--message", default="")

    registry = sub.add_parser("registry", help="registered models and their stages")
    reg = registry.add_subparsers(dest="action", metavar="ACTION", parser_class=MagicParser)
    reg.add_parser("list", help="registered models (the default)")
    register = reg.add_parser("register", help="register a model version: NAME PATH@vN")
    register.add_argument("name")
    register.add_argument("ref")
    register.add_argument("--description", default="")
    promote = reg.add_parser("promote", help="move a model version to a stage")
    promote.add_argument("name")
    promote.add_argument("version", type=int)
    promote.add_argument("stage", choices=["none", "staging", "production", "archived"])
    promote.add_argument("--reason", default="")
    history = reg.add_parser("history", help="every registry change")
    history.add_argument("name", nargs="?")

    inputs = sub.add_parser("inputs", help="data inputs of a cell across snapshots")
    inputs.add_argument("cell", nargs="?", help="cell id (default: the current cell)")
    inputs.add_argument("--notebook")

    track = sub.add_parser("track", help="always include PATH in snapshots")
    track.add_argument("paths", nargs="+")
    untrack = sub.add_parser("untrack", help="stop including PATH")
    untrack.add_argument("paths", nargs="+")

    sub.add_parser("widget", help="open the history browser")
    return parser


def parse(line: str) -> argparse.Namespace:
    """Split ``line`` like a shell and parse it; UsageError or HelpShown on mistakes/help."""
    try:
        argv = shlex.split(line)
    except ValueError as err:
        raise UsageError(f"cannot read the arguments: {err}") from None
    args = build().parse_args(argv)
    if args.command is None:
        raise HelpShown(build().format_help())
    return args

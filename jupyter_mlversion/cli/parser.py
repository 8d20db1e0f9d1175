"""The ``mlversion`` parser: the shared grammar, plus ``-C DIR`` and ``--json``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import grammar


class UsageError(Exception):
    """A command line that does not parse; shown as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("mlversion").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see '{self.prog} --help')")


def _json(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: a nested parser (``registry list``) must not reset a --json given before it.
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="print JSON (shape documented in README)")  # fmt: skip


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
    """The parser; with ``only`` (a verb), just that verb's sub-parser is built."""
    parser = _Parser(
        prog="mlversion",
        description="Version data, models and notebooks of a Jupyter project.",
    )
    parser.add_argument("-C", dest="cwd", metavar="DIR", help="run as if started in DIR")
    known = only if only in grammar.VERB_NAMES else None
    grammar.add_verbs(parser, only=known, leaf=_json)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line (UsageError when it does not parse); ``json`` is always set."""
    words = list(argv)
    args = grammar.parse(build_parser(command_of(words)), words)
    args.json = getattr(args, "json", False)
    return args

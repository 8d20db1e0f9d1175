"""The ``%mlversion`` parser: the shared grammar, with mistakes and help raised, never exits."""

from __future__ import annotations

import argparse
import shlex
from typing import Any, NoReturn

from IPython.core.error import UsageError

from .. import grammar


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


def build() -> MagicParser:
    """The parser for every subcommand of ``%mlversion``, the notebook-only ones included."""
    parser = MagicParser(prog="%mlversion", description="Version data, models and notebooks.")
    grammar.add_verbs(parser, notebook=True, required=False)
    return parser


def parse(line: str) -> argparse.Namespace:
    """Split ``line`` like a shell and parse it; UsageError or HelpShown on mistakes/help."""
    try:
        argv = shlex.split(line)
    except ValueError as err:
        raise UsageError(f"cannot read the arguments: {err}") from None
    parser = build()
    args = grammar.parse(parser, argv)
    if args.command is None:
        raise HelpShown(parser.format_help())
    return args

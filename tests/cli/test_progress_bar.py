"""The CLI bar shows sizes for bytes and a plain count for objects."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from jupyter_mlversion.cli import render


def drawn(unit: str, done: int, total: int) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with Progress(*render._columns(unit), console=console, auto_refresh=False) as bar:
        bar.add_task("data/big.bin", total=total, completed=done)
        bar.refresh()
    return out.getvalue()


def test_bytes_are_shown_as_sizes() -> None:
    text = drawn("bytes", 250 * 1024 * 1024, 500 * 1024 * 1024)
    assert "262.1/524.3 MB" in text


def test_objects_are_counted_plainly() -> None:
    text = drawn("objects", 3, 7)
    assert "3/7 objects" in text and "MB" not in text and "bytes" not in text

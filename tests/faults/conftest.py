"""Fixtures of the fault-injection suite: small file systems, and the figures summary."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import harness
import pytest


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """Factory mounting a small tmpfs (``size`` such as ``8m``); skipped without mount rights."""
    mounted: list[Path] = []

    def mount(name: str, size: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not harness.FIGURES:
        return
    terminalreporter.section(f"fault-injection figures ({'soak' if harness.SOAK else 'CI'} size)")
    for row in harness.FIGURES:
        rest = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("test", "size"))
        terminalreporter.write_line(f"{row['test']}: {rest}")

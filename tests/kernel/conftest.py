"""Fixtures: a real IPython shell with the extension loaded in a fresh project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_mlversion.core.repository import Repository


class Shell:
    """Runs cells like a notebook does (with cell ids) and raises on any error."""

    def __init__(self, ip: InteractiveShell) -> None:
        self.ip = ip
        self.count = 0

    def run(self, source: str, cell_id: str | None = None) -> Any:
        self.count += 1
        result = self.ip.run_cell(source, store_history=True, cell_id=cell_id or f"c{self.count}")
        result.raise_error()
        return result.result

    def fails(self, source: str) -> BaseException:
        result = self.ip.run_cell(source, store_history=True, cell_id="failing")
        assert result.error_in_exec is not None or result.error_before_exec is not None
        return result.error_in_exec or result.error_before_exec


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    Repository.init(tmp_path)
    return tmp_path


@pytest.fixture
def shell(project: Path) -> Iterator[Shell]:
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "jupyter_mlversion")
    try:
        yield Shell(ip)
    finally:
        ip.run_line_magic("unload_ext", "jupyter_mlversion")

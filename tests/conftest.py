"""Shared fixtures: factories that build real projects on disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_mlversion.core.repository import Repository

# Snapshots record an author; make it stable whatever the machine's git config says.
os.environ.setdefault("JUPYTERHUB_USER", "tester")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Repository]:
    """Create a project with the given files (``{relative path: bytes or str}``)."""

    def make(files: dict[str, bytes | str] | None = None, name: str = "proj") -> Repository:
        root = tmp_path / name
        root.mkdir()
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content)
            else:
                path.write_bytes(content)
        return Repository.init(root)

    return make

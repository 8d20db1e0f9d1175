"""Fixtures for the object-store tests: small chunk sizes keep multi-chunk files a few MB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_mlversion.core.store import ObjectStore

SMALL_CHUNKS = {"avg_chunk": 16 * 1024, "min_chunk": 4 * 1024, "max_chunk": 64 * 1024}


@pytest.fixture
def make_store(tmp_path: Path) -> Callable[..., ObjectStore]:
    """Factory for stores under tmp_path with small chunks (so 3 MB files have ~150 chunks)."""

    def make(root: Path | None = None, **kwargs: int) -> ObjectStore:
        return ObjectStore(root or tmp_path / "objects", **{**SMALL_CHUNKS, **kwargs})

    return make


@pytest.fixture
def store(make_store: Callable[..., ObjectStore]) -> ObjectStore:
    return make_store()

"""A big replaced file is freed by a helper process after the restore returned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_mlversion.core.store.release import DEFER_ABOVE, release


def _unlinked(tmp_path: Path, size: int) -> int:
    path = tmp_path / "old.bin"
    with open(path, "wb") as f:
        f.truncate(size)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    path.unlink()
    return fd


def test_big_unlinked_file_is_freed_by_a_helper(tmp_path: Path) -> None:
    fd = _unlinked(tmp_path, DEFER_ABOVE)
    helper = release(fd)
    with pytest.raises(OSError):
        os.fstat(fd)  # our handle is gone at once
    assert helper is not None
    assert helper.wait(timeout=30) == 0  # the helper saw the end of its input and exited


def test_small_or_still_linked_files_are_just_closed(tmp_path: Path) -> None:
    small = _unlinked(tmp_path, 1024)
    assert release(small) is None
    with pytest.raises(OSError):
        os.fstat(small)
    linked = tmp_path / "linked.bin"
    with open(linked, "wb") as f:
        f.truncate(DEFER_ABOVE)
    fd = os.open(linked, os.O_RDONLY)
    assert release(fd) is None  # a file that still has a name frees nothing on close
    assert linked.stat().st_size == DEFER_ABOVE

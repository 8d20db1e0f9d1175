"""This kernel's journal: it only appends; the engine folds it into snapshots.

One JSON line per executed cell that touched a project file, per logged metric or param,
and once per notebook the kernel's environment, each written as soon as it happens, so a
kernel that dies loses nothing. Reading, folding and clearing what a snapshot consumed are
the engine's (:mod:`jupyter_mlversion.core.journal`), whichever surface takes the snapshot.
"""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.journal import append_line
from ..core.layout import JOURNAL_DIR, META_DIR
from .capture import CellRecord


class Journal:
    """The journal file of this kernel inside ``<project>/.mlversion/journal/``."""

    def __init__(
        self, root: str | Path, name: str, environment: Callable[[], dict[str, Any]]
    ) -> None:
        self.name = name
        self.folder = os.path.join(os.fspath(root), META_DIR, JOURNAL_DIR)
        self._environment = environment
        self._last: set[str] = set()
        self._described: set[str | None] = set()  # notebooks whose environment is written

    def append(self, record: CellRecord, notebook: str | None) -> None:
        """Write one line for ``record`` (cells that touch nothing are skipped unless rerun)."""
        key = f"{notebook}:{record.cell_id or 'source:' + str(record.source_hash)}"
        if record.empty and key not in self._last:
            return
        self._last.add(key)
        self._write(
            notebook,
            {
                "kind": "cell",
                "cell_id": record.cell_id,
                "execution_count": record.execution_count,
                "source_hash": record.source_hash,
                "reads": record.reads,
                "writes": record.writes,
            },
        )

    def log_value(self, kind: str, name: str, value: Any, notebook: str | None) -> None:
        """Record a metric or param for the notebook's next snapshot."""
        self._write(notebook, {"kind": kind, "name": name, "value": value})

    def _write(self, notebook: str | None, line: dict[str, Any]) -> None:
        if notebook not in self._described:
            self._described.add(notebook)
            self._append(notebook, {"kind": "env", "environment": self._environment()})
        self._append(notebook, line)

    def _append(self, notebook: str | None, line: dict[str, Any]) -> None:
        append_line(
            self.folder,
            self.name,
            {"v": 2, "time": time.time(), "pid": os.getpid(), "notebook": notebook, **line},
        )

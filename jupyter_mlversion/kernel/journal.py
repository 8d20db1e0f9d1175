"""Append-only per-kernel journal of cell I/O, folded into lineage at commit time.

One JSON line per executed cell that touched a project file, written as soon as the cell
finishes, so a kernel that dies loses nothing: the next commit from the same notebook
folds the journals of dead kernels in too.
"""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.layout import JOURNAL_DIR, META_DIR
from ..core.model import CellIO
from .capture import CellRecord
from .scope import Scope


class Journal:
    """The journal file of this kernel inside ``<project>/.mlversion/journal/``."""

    def __init__(self, root: str | Path, name: str) -> None:
        self.folder = Path(root) / META_DIR / JOURNAL_DIR
        self.path = self.folder / f"{name}.jsonl"
        self._last: dict[str, dict[str, Any]] = {}
        self._orphans: list[Path] = []

    def append(self, record: CellRecord, notebook: str | None) -> None:
        """Write one line for ``record`` (cells that touch nothing are skipped unless rerun)."""
        key = record.cell_id or f"source:{record.source_hash}"
        if record.empty and key not in self._last:
            return
        line = {
            "v": 1,
            "time": time.time(),
            "pid": os.getpid(),
            "notebook": notebook,
            "cell_id": record.cell_id,
            "execution_count": record.execution_count,
            "source_hash": record.source_hash,
            "reads": record.reads,
            "writes": record.writes,
        }
        self._last[key] = line
        self.folder.mkdir(parents=True, exist_ok=True)
        # One write() of one line in append mode: a crash leaves whole lines behind.
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, sort_keys=True) + "\n")

    def fold(self, notebook: str | None) -> list[dict[str, Any]]:
        """Latest line per cell from this journal and from dead kernels of ``notebook``."""
        lines: list[dict[str, Any]] = []
        sources = self._sources(notebook)
        self._orphans = [p for p in sources if p != self.path]
        for path in sources:
            lines.extend(_read_lines(path))
        latest: dict[str, dict[str, Any]] = {}
        for line in sorted(lines, key=lambda item: item.get("time", 0.0)):
            key = line.get("cell_id") or f"source:{line.get('source_hash')}"
            latest[key] = line
        return sorted(latest.values(), key=lambda item: item.get("time", 0.0))

    def retire_orphans(self) -> None:
        """After a commit: dead kernels' journals were folded in once, never again."""
        for path in self._orphans:
            with contextlib.suppress(OSError):
                path.rename(path.with_suffix(".folded"))
        self._orphans = []

    def _sources(self, notebook: str | None) -> list[Path]:
        found = [self.path] if self.path.exists() else []
        if not self.folder.is_dir():
            return found
        for other in sorted(self.folder.glob("*.jsonl")):
            if other == self.path:
                continue
            lines = _read_lines(other)
            if not lines or lines[-1].get("notebook") != notebook or notebook is None:
                continue
            if not _alive(int(lines[-1].get("pid", 0))):
                found.append(other)
        return found


def _read_lines(path: Path) -> list[dict[str, Any]]:
    out = []
    with contextlib.suppress(OSError), open(path, encoding="utf-8") as src:
        for raw in src:
            try:
                out.append(json.loads(raw))
            except ValueError:
                continue  # a torn last line from a crash: skip it, keep the rest
    return out


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def to_lineage(
    lines: Iterable[dict[str, Any]], cell_ids_by_source: Mapping[str, str]
) -> list[CellIO]:
    """Turn journal lines into :class:`CellIO` carrying the stat each cell saw.

    The engine compares that stat with the file it snapshots: unchanged files get their
    id, changed ones ``changed_since: true``. A file a cell both read and wrote has no
    stat for what was read (size -1), so its read is always marked changed, never guessed.
    """
    cells = []
    for line in lines:
        cell_id = line.get("cell_id") or cell_ids_by_source.get(str(line.get("source_hash")))
        if not cell_id:
            cell_id = f"exec-{line.get('execution_count')}"
        cells.append(
            CellIO(
                cell_id=str(cell_id),
                execution_count=line.get("execution_count"),
                notebook=line.get("notebook"),
                reads=tuple(_seen(e) for e in line.get("reads", ())),
                writes=tuple(_seen(e) for e in line.get("writes", ())),
            )
        )
    return cells


def _seen(entry: Mapping[str, Any]) -> dict[str, Any]:
    size, mtime = entry.get("size"), entry.get("mtime_ns")
    return {
        "path": str(entry["path"]),
        "size": -1 if size is None else size,
        "mtime_ns": -1 if mtime is None else mtime,
        "via": entry.get("via", "open"),
    }


def files_of(lines: Iterable[dict[str, Any]], scope: Scope) -> list[str]:
    """Project files the journal names that still exist, for the snapshot's path list."""
    found = set()
    for line in lines:
        for entry in (*line.get("reads", ()), *line.get("writes", ())):
            if os.path.isfile(scope.absolute(str(entry["path"]))):
                found.add(str(entry["path"]))
    return sorted(found)

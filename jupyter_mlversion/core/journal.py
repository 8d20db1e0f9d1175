"""Kernel journals: what cells read and wrote, and what they logged, until a snapshot.

A kernel only appends JSON lines to ``.mlversion/journal/<kernel>.jsonl`` (one ``write``
of one line, so a crash leaves whole lines). The engine folds the lines of a notebook into
its next snapshot, from every kernel that ran it, live or ended, and then records how far
each journal was consumed for that notebook (``<kernel>.consumed.json``: notebook -> byte
offset). Lines appended meanwhile wait for the next snapshot; nothing is folded twice. A
journal of an ended kernel is deleted once nothing in it is pending.

Line kinds: ``cell`` (the default: cell id, execution count, source hash, reads, writes),
``metric`` and ``param`` (name, value), and ``env`` (the kernel's environment, which is
never consumed: every snapshot of the notebook records the newest one).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import JOURNAL_DIR
from .model import CellIO

LINES = ".jsonl"
CONSUMED = ".consumed.json"
_NO_NOTEBOOK = ""  # key of lines whose kernel did not know its notebook


def append_line(folder: Path | str, name: str, line: Mapping[str, Any]) -> None:
    """Append one JSON line to journal ``name`` in ``folder`` (the kernel's only write)."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name + LINES), "a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")


@dataclass
class Pending:
    """What the journals hold for a snapshot that has not taken it yet."""

    cells: list[dict[str, Any]] = field(default_factory=list)  # newest line per cell
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] | None = None
    notebooks: set[str] = field(default_factory=set)  # notebooks with pending lines
    marks: dict[str, dict[str, int]] = field(default_factory=dict)  # journal -> key -> offset

    @property
    def empty(self) -> bool:
        return not (self.cells or self.metrics or self.params)

    def paths(self) -> set[str]:
        """Project paths the pending cells read or wrote."""
        return {
            str(entry["path"])
            for line in self.cells
            for entry in (*line.get("reads", ()), *line.get("writes", ()))
        }


@dataclass(frozen=True)
class _Line:
    offset: int  # where the line starts
    data: dict[str, Any]


class Journals:
    """The journal folder of one project, as the engine reads it."""

    def __init__(self, meta: Path) -> None:
        self.folder = meta / JOURNAL_DIR

    def names(self) -> list[str]:
        try:
            entries = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(e[: -len(LINES)] for e in entries if e.endswith(LINES))

    def pending(self, notebooks: Iterable[str] | None, kernel: str | None = None) -> Pending:
        """Unconsumed lines of ``notebooks`` (None: every notebook), plus ``kernel``'s own.

        The calling kernel's lines that name no notebook belong to its own snapshot only.
        """
        wanted = None if notebooks is None else set(notebooks)
        out = Pending()
        cells: list[dict[str, Any]] = []
        envs: list[dict[str, Any]] = []
        values: list[dict[str, Any]] = []
        for name in self.names():
            lines, end = _read(self.folder / (name + LINES))
            consumed = self._consumed(name)
            for line in lines:
                key = _key_of(line.data, name, kernel)
                if key is None or (wanted is not None and key and key not in wanted):
                    continue
                kind = line.data.get("kind", "cell")
                if kind == "env":
                    envs.append(line.data)
                    continue
                if line.offset < consumed.get(key, 0):
                    continue
                out.marks.setdefault(name, {})[key] = end
                if key:
                    out.notebooks.add(key)
                (cells if kind == "cell" else values).append(line.data)
        latest: dict[str, dict[str, Any]] = {}
        for cell in sorted(cells, key=_time):
            latest[_cell_key(cell)] = cell
        out.cells = sorted(latest.values(), key=_time)
        for value in sorted(values, key=_time):
            target: dict[str, Any] = out.metrics if value.get("kind") == "metric" else out.params
            target[str(value.get("name"))] = value.get("value")
        if envs:
            out.environment = dict(max(envs, key=_time).get("environment") or {})
        return out

    def consume(self, pending: Pending, write: Any) -> None:
        """Mark what ``pending`` holds as taken; drop journals of ended kernels left empty.

        ``write(path, data)`` is the project's atomic file write.
        """
        for name, marks in pending.marks.items():
            consumed = self._consumed(name)
            consumed.update({k: max(v, consumed.get(k, 0)) for k, v in marks.items()})
            write(self.folder / (name + CONSUMED), json.dumps(consumed, sort_keys=True).encode())
        self.drop_ended()

    def drop_ended(self) -> None:
        """Delete the journals of kernels that ended and whose lines were all consumed."""
        for name in self.names():
            path = self.folder / (name + LINES)
            lines, _end = _read(path)
            if lines and _alive(int(lines[-1].data.get("pid", 0) or 0)):
                continue
            consumed = self._consumed(name)
            waiting = any(
                line.offset >= consumed.get(key, 0)
                for line in lines
                if line.data.get("kind", "cell") != "env"
                and (key := line.data.get("notebook") or _NO_NOTEBOOK)
            )
            if not waiting:
                for leftover in (path, self.folder / (name + CONSUMED)):
                    with contextlib.suppress(OSError):
                        leftover.unlink()

    def _consumed(self, name: str) -> dict[str, int]:
        try:
            data = json.loads((self.folder / (name + CONSUMED)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _key_of(data: Mapping[str, Any], name: str, kernel: str | None) -> str | None:
    notebook = data.get("notebook")
    if notebook:
        return str(notebook)
    return _NO_NOTEBOOK if name == kernel else None


def _read(path: Path) -> tuple[list[_Line], int]:
    """Complete lines of a journal and the offset after the last one (a torn tail waits)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return [], 0
    lines: list[_Line] = []
    start = 0
    while True:
        stop = raw.find(b"\n", start)
        if stop < 0:
            break
        try:
            data = json.loads(raw[start:stop])
        except ValueError:
            data = None  # a damaged line: skip it, keep the rest
        if isinstance(data, dict):
            lines.append(_Line(start, data))
        start = stop + 1
    return lines, start


def _time(line: Mapping[str, Any]) -> float:
    value = line.get("time", 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def _cell_key(line: Mapping[str, Any]) -> str:
    return (
        f"{line.get('notebook')}:{line.get('cell_id') or 'source:' + str(line.get('source_hash'))}"
    )


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def to_lineage(cells: Iterable[Mapping[str, Any]], root: Path) -> list[CellIO]:
    """Journal cell lines as :class:`CellIO`, carrying the stat each cell saw.

    Runners that send no cell id are matched to the saved notebook's cells by source.
    The snapshot compares each stat with the file it stores: unchanged files get their id,
    changed ones ``changed_since``. A file a cell both read and wrote has no stat for what
    was read (size -1), so that read is always marked changed, never guessed.
    """
    by_source: dict[str, dict[str, str]] = {}
    out = []
    for line in cells:
        notebook = line.get("notebook")
        cell_id = line.get("cell_id")
        if not cell_id and notebook:
            if notebook not in by_source:
                by_source[notebook] = _cells_by_source(root / str(notebook))
            cell_id = by_source[notebook].get(str(line.get("source_hash")))
        out.append(
            CellIO(
                cell_id=str(cell_id or f"exec-{line.get('execution_count')}"),
                execution_count=line.get("execution_count"),
                notebook=notebook,
                reads=tuple(_seen(e) for e in line.get("reads", ())),
                writes=tuple(_seen(e) for e in line.get("writes", ())),
            )
        )
    return out


def source_hash(source: str) -> str:
    """A short stable hash of a cell's source, to find the cell when no id was sent."""
    import hashlib

    return hashlib.blake2b(source.strip().encode("utf-8", "replace"), digest_size=10).hexdigest()


def _seen(entry: Mapping[str, Any]) -> dict[str, Any]:
    size, mtime = entry.get("size"), entry.get("mtime_ns")
    return {
        "path": str(entry["path"]),
        "size": -1 if size is None else size,
        "mtime_ns": -1 if mtime is None else mtime,
        "via": entry.get("via", "open"),
    }


def _cells_by_source(notebook: Path) -> dict[str, str]:
    """Cell ids of the saved notebook keyed by the hash of their source."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, str] = {}
    for item in cells:
        source = item.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if item.get("id"):
            found.setdefault(source_hash(text), str(item["id"]))
    return found

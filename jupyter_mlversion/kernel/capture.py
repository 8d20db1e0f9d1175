"""Per-cell capture of the files a cell reads and writes.

Python-level opens come from one audit hook (``sys.addaudithook``); readers written in
C/C++ report through :mod:`.readers`; path literals in the cell's source fill the rest.
Audit hooks cannot be removed, so the hook is installed once per process and does
nothing unless a :class:`Recorder` is active. It only appends the raw event: every
filtering and ``stat`` happens once per cell, after the cell ran.
"""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from .scope import Scope

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_current: Recorder | None = None
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Runs for every audited event of the process: keep it to one compare when idle.
    if event == "open":
        rec = _current
        if rec is not None and rec.active:
            rec.opens.append(args)


def install_hook() -> None:
    """Install the process-wide audit hook once (it can never be removed)."""
    global _hook_installed  # noqa: PLW0603 - one hook per process, by design
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


def set_current(recorder: Recorder | None) -> None:
    """Route audit events and reader wrappers to ``recorder`` (None: ignore them)."""
    global _current  # noqa: PLW0603 - read by the audit hook without a lookup chain
    _current = recorder


def current() -> Recorder | None:
    return _current


def _is_write(mode: object, flags: object) -> bool:
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    if isinstance(flags, int):
        return bool(flags & _WRITE_FLAGS)
    return False


@dataclass
class CellRecord:
    """The files one execution of a cell read and wrote, with their stat after it ran."""

    cell_id: str | None
    execution_count: int | None
    source_hash: str | None
    reads: list[dict[str, Any]] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.reads and not self.writes


class Recorder:
    """Collects the opens of the running cell and turns them into a :class:`CellRecord`."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.active = False
        self.opens: list[tuple[Any, ...]] = []
        self.native: list[tuple[object, bool, str]] = []  # (path, is_write, via)
        self._started_ns = 0

    def start(self) -> None:
        """Begin a cell: forget the previous one and listen."""
        self.opens = []
        self.native = []
        self._started_ns = _file_clock_ns()
        self.active = True

    def note(self, path: object, *, write: bool, via: str) -> None:
        """Called by the C/C++ reader wrappers, which the audit hook cannot see."""
        if self.active:
            self.native.append((path, write, via))

    def finish(
        self, *, cell_id: str | None, execution_count: int | None, source: str
    ) -> CellRecord:
        """Stop listening and resolve what the cell touched inside the project."""
        self.active = False
        cwd = os.getcwd()
        reads: dict[str, str] = {}
        writes: dict[str, str] = {}
        relative = self.scope.relative
        for args in self.opens:
            rel = relative(args[0], cwd)
            if rel is None:
                continue
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else None
            target = writes if _is_write(mode, flags) else reads
            target.setdefault(rel, "open")
        for path, write, via in self.native:
            rel = relative(path, cwd)
            if rel is not None:
                (writes if write else reads).setdefault(rel, via)
        self.opens = []
        self.native = []
        self._literals(source, cwd, reads, writes)
        return CellRecord(
            cell_id=cell_id,
            execution_count=execution_count,
            source_hash=source_hash(source),
            reads=self._stat_all(reads, both=writes),
            writes=self._stat_all(writes, both={}),
        )

    def _literals(
        self, source: str, cwd: str, reads: dict[str, str], writes: dict[str, str]
    ) -> None:
        """Existing project files named by string literals that no reader reported."""
        for literal in path_literals(source):
            rel = self.scope.relative(literal, cwd)
            if rel is None or rel in reads or rel in writes:
                continue
            try:
                st = os.stat(self.scope.absolute(rel))
            except OSError:
                continue
            if not _is_regular(st.st_mode):
                continue
            # Modified while the cell ran: it wrote the file; otherwise it (probably) read it.
            target = writes if st.st_mtime_ns >= self._started_ns else reads
            target[rel] = "source"

    def _stat_all(self, found: dict[str, str], *, both: dict[str, str]) -> list[dict[str, Any]]:
        entries = []
        for rel in sorted(found):
            try:
                st = os.stat(self.scope.absolute(rel))
            except OSError:
                continue  # opened but gone (or the open failed): nothing to version
            if not _is_regular(st.st_mode):
                continue
            entry: dict[str, Any] = {"path": rel, "via": found[rel]}
            if rel in both:
                # Read and written by the same cell: the bytes it read are not on disk any more.
                entry["size"] = None
                entry["mtime_ns"] = None
            else:
                entry["size"] = st.st_size
                entry["mtime_ns"] = st.st_mtime_ns
            entries.append(entry)
        return entries


# Linux stamps files from its coarse clock, which lags time.time() by up to a tick: a file
# written right after the cell started could look older than the cell. The constant is
# CLOCK_REALTIME_COARSE, which the time module does not name.
_COARSE_CLOCK = 5 if sys.platform.startswith("linux") else None


def _file_clock_ns() -> int:
    """Now, as the file system will stamp a file written from now on (never later than that)."""
    now = time.time_ns()
    if _COARSE_CLOCK is not None:
        try:
            return min(now, time.clock_gettime_ns(_COARSE_CLOCK))
        except OSError:
            pass
    return now


def _is_regular(mode: int) -> bool:
    return (mode & 0o170000) == 0o100000


def source_hash(source: str) -> str:
    """A short stable hash of a cell's source, to find the cell when no id was sent."""
    import hashlib

    return hashlib.blake2b(source.strip().encode("utf-8", "replace"), digest_size=10).hexdigest()


_QUOTED = re.compile(r"""(?:'([^'\n\\]{1,1023})'|"([^"\n\\]{1,1023})")""")


def path_literals(source: str) -> list[str]:
    """Quoted strings in ``source`` that look like file paths (magics included)."""
    if "'" not in source and '"' not in source:
        return []
    found = []
    for single, double in _QUOTED.findall(source):
        text = single or double
        if "/" in text or "." in text:
            found.append(text)
    return found

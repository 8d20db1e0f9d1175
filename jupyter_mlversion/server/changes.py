"""Follow the change log of each project the panel opened and emit one event per change.

The engine appends a record to ``.mlversion/changes.jsonl`` whenever a restore writes files,
whichever surface ran it (see ``core/changes.py``). This watcher polls the log's ``stat``
(one system call per project per interval, no busy loop), reads it only when it changed,
and emits each new record on jupyter_server's event bus (schema :data:`SCHEMA_ID`), with paths
relative to the server's root. The last ``seq`` emitted per project is kept in a small JSON
file, so a restarted server sends what changed while it was down, and nothing twice.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado.ioloop import PeriodicCallback

from jupyter_mlversion.core.atomic import atomic_write
from jupyter_mlversion.core.changes import read_records
from jupyter_mlversion.core.layout import CHANGES_FILE, META_DIR

SCHEMA_ID = "https://events.jupyter-mlversion.org/files-changed/v1"
SCHEMA_FILE = Path(__file__).parent / "events" / "files_changed.v1.json"
#: Projects followed at once; the least recently opened is dropped beyond this.
MAX_PROJECTS = 64
#: Cursors remembered across restarts.
MAX_CURSORS = 256

log = logging.getLogger(__name__)
Emit = Callable[[dict[str, Any]], None]


class ChangeWatcher:
    """Emit an event for every record appended to a watched project's change log."""

    def __init__(self, server_root: Path, emit: Emit, cursor_file: Path, interval: float) -> None:
        self._root = server_root
        self._emit = emit
        self._cursor_file = cursor_file
        self._interval = interval
        self._cursors = _load(cursor_file)  # project (server-relative) -> last seq emitted
        self._watched: OrderedDict[str, tuple[int, int, int] | None] = OrderedDict()
        self._timer: PeriodicCallback | None = None

    def watch(self, project_root: Path) -> None:
        """Follow the project at ``project_root`` (inside the server root) from now on."""
        rel = project_root.resolve().relative_to(self._root).as_posix() or "."
        if rel in self._watched:
            self._watched.move_to_end(rel)
            return
        if rel in self._cursors:
            self._cursors.move_to_end(rel)
        self._watched[rel] = None
        while len(self._watched) > MAX_PROJECTS:
            self._watched.popitem(last=False)
        if rel not in self._cursors:
            # First sight of this project: what happened before it was ever opened is old news.
            records = read_records(self._log(rel))
            self._cursors[rel] = max((r["seq"] for r in records), default=0)
            self._save()
        if self._timer is None and self._interval > 0:
            self._timer = PeriodicCallback(self._tick, self._interval * 1000)
            self._timer.start()

    def poll(self) -> int:
        """Emit the records added since the last poll; returns how many were emitted."""
        emitted = 0
        for rel in list(self._watched):
            path = self._log(rel)
            try:
                st = path.stat()
                key: tuple[int, int, int] | None = (st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                key = None
            if key is None or key == self._watched.get(rel):
                continue
            self._watched[rel] = key
            emitted += self._emit_new(rel, path)
        return emitted

    def _tick(self) -> None:
        self.poll()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _emit_new(self, rel: str, path: Path) -> int:
        cursor = self._cursors.get(rel, 0)
        fresh = sorted((r for r in read_records(path) if r["seq"] > cursor), key=lambda r: r["seq"])
        for record in fresh:
            try:
                self._emit(self._event(rel, record))
            except Exception:  # a bad record must not stop the others or the timer
                log.exception("jupyter_mlversion: could not emit change %s of %s", record, rel)
            self._cursors[rel] = record["seq"]
        if fresh:
            self._save()
        return len(fresh)

    def _event(self, rel: str, record: dict[str, Any]) -> dict[str, Any]:
        def under(paths: Any) -> list[str]:
            names = [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
            return [p if rel == "." else f"{rel}/{p}" for p in names]

        return {
            "project": rel,
            "source": str(record.get("source", "")),
            "paths": under(record.get("written")),
            "deleted": under(record.get("deleted")),
            "truncated": bool(record.get("truncated", False)),
            "seq": record["seq"],
        }

    def _log(self, rel: str) -> Path:
        return self._root / rel / META_DIR / CHANGES_FILE

    def _save(self) -> None:
        # Bounded: the projects seen least recently are forgotten first.
        while len(self._cursors) > MAX_CURSORS:
            self._cursors.popitem(last=False)
        kept = dict(self._cursors)
        try:
            self._cursor_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self._cursor_file, json.dumps(kept).encode())
        except OSError as exc:
            log.warning("jupyter_mlversion: cannot save %s: %s", self._cursor_file, exc)


def _load(path: Path) -> OrderedDict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        return OrderedDict()
    return OrderedDict((str(k), v) for k, v in data.items() if isinstance(v, int))

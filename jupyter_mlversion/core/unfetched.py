"""Data files a clone or pull left on the remote: absent here, yet not deleted.

``clone --no-data`` writes notebooks only; each data file it leaves out is recorded in
``.mlversion/unfetched.json`` with the id it has in the snapshot. While such a file is still
absent and the current snapshot still holds that id, status does not list it as removed and
a snapshot keeps it as it is. Writing the file (a restore, checkout or pull) takes it off the
list; an entry whose version the current snapshot no longer holds is ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path

from .atomic import atomic_write
from .model import FileEntry

FILE = "unfetched.json"


def load(meta: Path) -> dict[str, str]:
    """``{path: file id}`` of the data files not written here yet (empty without the file)."""
    try:
        data = json.loads((meta / FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return {}  # a damaged list only costs the files being shown as removed
    if not isinstance(data, dict):
        return {}
    return {str(p): str(i) for p, i in data.get("files", {}).items()}


def _save(meta: Path, files: Mapping[str, str]) -> None:
    path = meta / FILE
    if not files:
        path.unlink(missing_ok=True)
        return
    text = json.dumps({"files": dict(sorted(files.items()))}, indent=1) + "\n"
    atomic_write(path, text.encode("utf-8"))


def add(meta: Path, files: Mapping[str, str]) -> None:
    if files:
        _save(meta, {**load(meta), **files})


def drop(meta: Path, paths: Iterable[str]) -> None:
    """The files at ``paths`` were written (or removed) here: they are no longer remote-only."""
    files = load(meta)
    if files and any(files.pop(p, None) is not None for p in list(paths)):
        _save(meta, files)


def keep(
    meta: Path,
    root: Path,
    before: Mapping[str, FileEntry],
    now: MutableMapping[str, FileEntry],
) -> None:
    """Put back into ``now`` the files of ``before`` that were never fetched and are absent."""
    for path, oid in load(meta).items():
        old = before.get(path)
        if path not in now and old is not None and old.id == oid and not (root / path).exists():
            now[path] = old

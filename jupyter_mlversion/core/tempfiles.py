"""The project's own temporary files: recognised by name, never tracked, swept under the lock.

A writer killed mid-write (a restore, a ``tracked.json`` update) leaves a temp file named by
:func:`.atomic.temp_path`: ``.mlversion-tmp-[HINT]PID-HEX`` (earlier versions wrote
``.tmp-[NAME.]PID-HEX``). Every writer of the working tree holds the project lock, so a temp
file there that is older than our own hold of the lock is a leftover. Inside ``.mlversion/``
some small writes (``track``) take no lock, so a temp file there is removed only when the
process named by its PID is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .atomic import LEGACY_TEMP_PREFIX, TEMP_PREFIX

_NAME = re.compile(
    rf"(?:{re.escape(TEMP_PREFIX)}|{re.escape(LEGACY_TEMP_PREFIX)})(?:.*\D)?(\d+)-[0-9a-f]+"
)


def is_temp_name(name: str) -> bool:
    """True for a name the project's atomic writes give their temp files (and nothing else).

    The legacy ``.tmp-`` prefix alone is common enough that a user's ``.tmp-notes`` must stay
    trackable, so it only counts with the ``PID-HEX`` tail our writers appended.
    """
    if name.startswith(TEMP_PREFIX):
        return True
    return name.startswith(LEGACY_TEMP_PREFIX) and _NAME.fullmatch(name) is not None


def writer_pid(name: str) -> int | None:
    """The PID of the process that created temp file ``name``, if its name says."""
    match = _NAME.fullmatch(name)
    return int(match[1]) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def is_stale(path: Path, *, locked_since: float, lock_proves: bool) -> bool:
    """True when temp file ``path`` has no live writer.

    ``lock_proves``: every writer of ``path``'s folder holds the project lock, which we have
    held since ``locked_since`` (so anything older is a leftover whatever its PID).
    """
    try:
        mtime = path.lstat().st_mtime
    except OSError:
        return False
    if mtime >= locked_since:
        return False  # written while we hold the lock: not by a lock holder, so keep it
    if lock_proves:
        return True
    pid = writer_pid(path.name)
    return pid is not None and pid != os.getpid() and not _alive(pid)


def remove_stale(paths: Iterable[Path], *, locked_since: float, lock_proves: bool) -> list[Path]:
    """Delete the stale ones among temp files ``paths``; returns those removed."""
    removed = []
    for path in paths:
        if is_temp_name(path.name) and is_stale(
            path, locked_since=locked_since, lock_proves=lock_proves
        ):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def temps_in(folder: Path) -> list[Path]:
    """The temp files directly inside ``folder`` (none when it cannot be listed)."""
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if is_temp_name(e.name)]
    except OSError:
        return []

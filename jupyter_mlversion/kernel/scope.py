"""Which paths count as project files for per-cell capture."""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from pathlib import Path

from ..core.layout import META_DIR

# Folder names whose contents are never data or models of the project.
_SKIP_PARTS = frozenset(
    {
        META_DIR,
        ".git",
        "__pycache__",
        ".ipynb_checkpoints",
        "site-packages",
        "dist-packages",
        ".venv",
        "venv",
        "node_modules",
    }
)


def _system_prefixes() -> tuple[str, ...]:
    """Folders outside which user data lives: interpreters, packages, temp, /proc, /dev."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, tempfile.gettempdir()}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            found.add(value)
    found.update({"/proc", "/dev", "/sys", "/tmp", "/var/tmp"})  # noqa: S108 - excluded, not used
    cleaned = set()
    for prefix in found:
        cleaned.add(os.path.normpath(prefix))
        cleaned.add(os.path.realpath(prefix))
    return tuple(sorted(p.rstrip(os.sep) + os.sep for p in cleaned if p and p != os.sep))


class Scope:
    """Decides cheaply whether an opened path is a file of the project at ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = os.path.realpath(root)
        self._prefix = self.root.rstrip(os.sep) + os.sep
        # The project itself may live under a temp folder (tests, scratch work): only the
        # system prefixes that do not contain the project are excluded.
        self._excluded = tuple(p for p in _system_prefixes() if not self._prefix.startswith(p))

    def relative(self, path: object, cwd: str) -> str | None:
        """Project-relative POSIX path of ``path`` when it counts, else None."""
        if isinstance(path, int):  # a file descriptor: nothing to name
            return None
        try:
            raw = os.fspath(path)  # type: ignore[call-overload]
        except TypeError:
            return None
        if isinstance(raw, bytes):
            raw = os.fsdecode(raw)
        full = os.path.normpath(os.path.join(cwd, raw))
        if not full.startswith(self._prefix):
            # A symlinked spelling of the project folder: resolve once, only on a miss.
            full = os.path.realpath(full)
            if not full.startswith(self._prefix):
                return None
        if full.startswith(self._excluded):
            return None
        rel = full[len(self._prefix) :]
        parts = rel.split(os.sep)
        if _SKIP_PARTS.intersection(parts):
            return None
        return "/".join(parts)

    def absolute(self, rel: str) -> str:
        """Absolute path of a project-relative POSIX path."""
        return os.path.join(self.root, *rel.split("/"))

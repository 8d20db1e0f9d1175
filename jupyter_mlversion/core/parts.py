"""The parts of one project (config, store, history, registry, index), each opened on first use.

The facade and its services share one :class:`Parts`; nothing here knows about use-cases.
Opening lazily keeps a "nothing changed" snapshot fast: it never imports the chunker or git.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import atomic_write
from .config import Config
from .errors import ConfigError
from .ignore import IgnoreRules
from .index import Index
from .layout import HISTORY_DIR, INDEX_FILE, JOURNAL_DIR, LOCK_FILE, META_DIR, TRACKED_FILE
from .lock import project_lock
from .paths import to_relative
from .tempfiles import remove_stale, temps_in

if TYPE_CHECKING:
    from .history import History
    from .registry import Registry
    from .store import ObjectStore


class Parts:
    """Where a project lives and its parts; ``root``, ``meta`` and the store path never change."""

    def __init__(self, root: Path, *, store_path: str | Path | None = None) -> None:
        self.root = root.resolve()
        self.meta = self.root / META_DIR
        self._store_path = store_path
        #: When this process took the project lock it holds now (None: it holds none).
        self.locked_since: float | None = None

    def relpath(self, path: str | Path) -> str:
        """Project-relative POSIX path; PathOutsideProjectError when it escapes."""
        return to_relative(self.root, path)

    @contextmanager
    def lock(self, what: str = "a snapshot") -> Iterator[None]:
        """Hold the project's exclusive lock (``what`` names the wait in its timeout message).

        Taking it sweeps the temp files killed writers left in ``.mlversion/``; the working
        tree's are swept by the command itself (:meth:`sweep_temps`), which knows its folders.
        """
        with project_lock(self.meta / LOCK_FILE, what=what):
            self.locked_since = time.time()
            try:
                for folder in self._private_folders():
                    remove_stale(
                        temps_in(folder), locked_since=self.locked_since, lock_proves=False
                    )
                yield
            finally:
                self.locked_since = None

    def _private_folders(self) -> list[Path]:
        """Folders of ours where killed writers leave temp files, checked by their PID.

        The pack folder counts only for a store inside ``.mlversion/``: a shared store may be
        written from other hosts, whose PIDs mean nothing here (its own gc cleans it).
        """
        folders = [self.meta, self.meta / JOURNAL_DIR]
        store = self.store_root
        if store.resolve().is_relative_to(self.meta.resolve()):
            folders += [store, store / "pack"]
        return folders

    def sweep_temps(self, paths: Iterable[Path]) -> list[Path]:
        """Remove the stale temp files among working-tree ``paths``; the lock must be held.

        Every writer of the working tree holds the lock, so whatever is older than our hold
        of it was left by a killed writer.
        """
        if self.locked_since is None:
            return []
        return remove_stale(paths, locked_since=self.locked_since, lock_proves=True)

    @cached_property
    def config(self) -> Config:
        return Config.load(self.meta)

    @property
    def store_root(self) -> Path:
        """Folder of the objects: the open() argument, else MLVERSION_STORE, else config."""
        chosen = self._store_path or os.environ.get("MLVERSION_STORE") or self.config.store_path
        path = Path(chosen).expanduser()
        return path if path.is_absolute() else self.meta / path

    @cached_property
    def store(self) -> ObjectStore:
        from .store import ObjectStore

        cfg = self.config
        store = ObjectStore(
            self.store_root,
            avg_chunk=cfg.chunk_avg,
            min_chunk=cfg.chunk_min,
            max_chunk=cfg.chunk_max,
        )
        if (self.meta / "remotes.json").is_file():  # a clone: missing data comes from remotes
            from .remote.lazy import attach

            attach(store, self.meta)
        return store

    @cached_property
    def history(self) -> History:
        from .history import History

        return History(self.meta / HISTORY_DIR)

    @cached_property
    def registry(self) -> Registry:
        from .registry import Registry

        return Registry(self.history)

    @cached_property
    def index(self) -> Index:
        return Index(self.meta / INDEX_FILE)  # a damaged file is replaced (see index_db)

    @cached_property
    def ignore(self) -> IgnoreRules:
        return IgnoreRules(self.root)

    # -- the tracked set: explicitly tracked paths, in .mlversion/tracked.json ------------
    def tracked_specs(self) -> list[str]:
        """Paths (files or folders) tracked explicitly, sorted."""
        path = self.meta / TRACKED_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (ValueError, OSError) as exc:  # JSONDecodeError and UnicodeDecodeError too
            data = exc
        if not isinstance(data, list) or not all(isinstance(p, str) for p in data):
            why = data if isinstance(data, Exception) else "not a list of paths"
            raise ConfigError(
                f"{path} is damaged ({why}); fix it, or write [] into it and track the paths "
                "again ('mlversion show' lists what the last snapshot held)"
            )
        return list(data)

    def write_specs(self, specs: Iterable[str]) -> None:
        """Replace the tracked set (atomically: a crash keeps the old list or the new)."""
        text = json.dumps(sorted(set(specs)), indent=1) + "\n"
        atomic_write(self.meta / TRACKED_FILE, text.encode("utf-8"))

    def close(self) -> None:
        """Release the index connection, pack handles and git helpers opened so far."""
        for part in ("index", "store", "history"):
            if part in self.__dict__:
                self.__dict__[part].close()

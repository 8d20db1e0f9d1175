"""What the extension keeps in ``web_app.settings``: configuration, root folder, thread pools."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .changes import ChangeWatcher
from .config import MlversionServer
from .jobs import JobManager

SETTINGS_KEY = "mlversion"


@dataclass
class ExtensionState:
    """Shared by every handler through ``self.settings["mlversion"]``."""

    config: MlversionServer
    root: Path  # the server's root folder, resolved; nothing outside it is ever touched
    api_url: str  # {base_url}mlversion/api
    jobs: JobManager
    reads: ThreadPoolExecutor  # quick reads run here so the event loop never blocks on disk
    changes: ChangeWatcher | None = None  # emits an event when a restore changed files

    def shutdown(self) -> None:
        if self.changes is not None:
            self.changes.stop()
        self.jobs.shutdown()
        self.reads.shutdown(wait=False, cancel_futures=True)

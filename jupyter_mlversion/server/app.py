"""Wire the extension into a running server: configuration, thread pools, the route table."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join

from .changes import SCHEMA_FILE, SCHEMA_ID, ChangeWatcher
from .config import MlversionServer
from .jobs import JobManager
from .routes import route_table
from .state import SETTINGS_KEY, ExtensionState


def setup_extension(server_app: Any) -> ExtensionState:
    """Register the handlers and the shared state on ``server_app.web_app``."""
    web_app = server_app.web_app
    config = MlversionServer(parent=server_app)
    api_url = url_path_join(web_app.settings["base_url"], "mlversion", "api")
    root = Path(server_app.root_dir).expanduser().resolve()
    state = ExtensionState(
        config=config,
        root=root,
        api_url=api_url,
        jobs=JobManager(max_workers=config.max_workers, keep=config.job_history, root=root),
        reads=ThreadPoolExecutor(
            max_workers=config.read_workers, thread_name_prefix="mlversion-read"
        ),
    )
    state.changes = _change_watcher(server_app, state)
    web_app.settings[SETTINGS_KEY] = state
    web_app.add_handlers(".*$", route_table(api_url))
    server_app.log.info("jupyter_mlversion: REST API at %s (root %s)", api_url, state.root)
    return state


def _change_watcher(server_app: Any, state: ExtensionState) -> ChangeWatcher | None:
    """Register the files-changed event schema and make the watcher that emits it."""
    events = getattr(server_app, "event_logger", None)
    if events is None or state.config.change_poll_seconds <= 0:
        return None
    events.register_event_schema(SCHEMA_FILE)
    cursor = Path(server_app.runtime_dir) / "mlversion-changes.json"
    return ChangeWatcher(
        state.root,
        lambda data: events.emit(schema_id=SCHEMA_ID, data=data),
        cursor,
        state.config.change_poll_seconds,
    )

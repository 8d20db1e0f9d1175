"""Wire the extension into the server: settings, job runner and the route table."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from .handlers import PingHandler

SETTINGS_KEY = "mlversion"


def setup_extension(server_app: Any) -> None:
    """Add the handlers to the server's web application."""
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    api = url_path_join(base_url, "mlversion", "api")
    web_app.add_handlers(".*$", [(url_path_join(api, "ping"), PingHandler)])
    server_app.log.info("jupyter_mlversion: REST API at %s", api)

"""Request handlers (placeholder: grows into one module per resource)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from jupyter_mlversion import __version__


class PingHandler(APIHandler):
    """Answer with the extension version: proves the extension is loaded."""

    auth_resource = "mlversion"

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish({"version": __version__})

"""The extension's version and its OpenAPI document."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from jupyter_mlversion import __version__

from ..openapi import document_for
from .base import MlversionHandler


class PingHandler(MlversionHandler):
    """The extension's version: proves it is loaded and the caller is authorized."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish({"version": __version__})


class OpenAPIHandler(MlversionHandler):
    """The OpenAPI 3 document describing every route, with this server's base URL."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish(document_for(self.state.api_url))

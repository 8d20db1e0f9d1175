"""Jupyter Server extension: the REST API over the engine under ``{base_url}/mlversion/api/``."""

from __future__ import annotations

from typing import Any

from .app import setup_extension


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_mlversion.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the handlers and the engine settings on a running Jupyter server."""
    setup_extension(server_app)

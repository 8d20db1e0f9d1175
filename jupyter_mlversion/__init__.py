"""jupyter_mlversion: version control of data, models and notebooks inside Jupyter."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-mlversion"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_mlversion.server"}]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_mlversion``: register the magic and per-cell capture."""
    from .kernel import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .kernel import unload_ipython_extension as unload

    unload(ipython)

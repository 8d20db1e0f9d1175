"""IPython extension: the ``%mlversion`` magic, per-cell I/O capture, the history widget.

``%load_ext jupyter_mlversion`` (or ``c.InteractiveShellApp.extensions``) calls
:func:`load_ipython_extension`. Code can use :mod:`jupyter_mlversion.kernel.api`.
"""

from __future__ import annotations

from typing import Any

from .api import browse, commit, log_metric, log_param
from .session import KernelSession

__all__ = [
    "browse",
    "commit",
    "load_ipython_extension",
    "log_metric",
    "log_param",
    "unload_ipython_extension",
]

_session: KernelSession | None = None


def get_session() -> KernelSession | None:
    """The session of the loaded extension, if any."""
    return _session


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%mlversion`` and start capturing what cells read and write."""
    global _session  # noqa: PLW0603 - IPython extensions are module-level singletons
    if _session is not None:
        return  # loading twice must not double the hooks
    from .magic import MlversionMagics

    session = KernelSession(ipython)
    ipython.register_magics(MlversionMagics(ipython, session))
    ipython.events.register("pre_run_cell", session.pre_run_cell)
    ipython.events.register("post_run_cell", session.post_run_cell)
    _session = session


def unload_ipython_extension(ipython: Any) -> None:
    """Stop capture (the audit hook stays, as a no-op) and restore wrapped readers."""
    global _session  # noqa: PLW0603
    session = _session
    if session is None:
        return
    ipython.events.unregister("pre_run_cell", session.pre_run_cell)
    ipython.events.unregister("post_run_cell", session.post_run_cell)
    ipython.magics_manager.magics["line"].pop("mlversion", None)
    session.close()
    _session = None

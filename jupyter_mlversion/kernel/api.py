"""A small API for code in the notebook: log metrics and params, commit, browse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.errors import MlversionError
from .render import Report
from .session import KernelSession


def _session() -> KernelSession:
    from . import get_session, load_ipython_extension

    session = get_session()
    if session is None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise MlversionError(
                "jupyter_mlversion's notebook API runs inside IPython or Jupyter; "
                "from a script use the 'mlversion' command line or Repository"
            )
        load_ipython_extension(shell)
        session = get_session()
    assert session is not None
    return session


def log_metric(name: str, value: float) -> None:
    """Record a metric for the next commit (the last value logged under a name wins)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"metric {name!r} must be a number, got {type(value).__name__}")
    _session().log_value("metric", str(name), float(value))


def log_param(name: str, value: Any) -> None:
    """Record a parameter (any JSON value) for the next commit."""
    _session().log_value("param", str(name), value)


def commit(
    message: str = "",
    *,
    metrics: dict[str, float] | None = None,
    params: dict[str, Any] | None = None,
    tags: Sequence[str] = (),
    aliases: Sequence[tuple[str, str]] = (),
    paths: Sequence[str] = (),
) -> Report:
    """Snapshot now, like ``%mlversion commit``; ``.data.result`` is the SnapshotResult."""
    from . import views

    outcome = _session().commit(
        message, metrics=metrics, params=params, tags=tags, aliases=aliases, paths=paths
    )
    return views.commit(outcome)


def browse() -> Any:
    """Show the ipywidgets history browser and return it."""
    from .widget import browse as show

    return show(_session())

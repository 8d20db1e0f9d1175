"""The one map from exceptions to HTTP answers: status code and a JSON body."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tornado.web import HTTPError

from jupyter_mlversion.core.errors import MlversionError, NotAProjectError

INIT_HINT = "run 'mlversion init' in the project folder to start versioning it"


class RequestError(MlversionError):
    """A request the API cannot accept as sent (bad parameter, invalid body)."""

    http_status = 400


class PayloadTooLargeError(MlversionError):
    """A request body larger than MlversionServer.max_request_bytes."""

    http_status = 413


def relative_to_root(message: str, root: Path | None) -> str:
    """``message`` with the server root's absolute path taken out (paths become root-relative).

    Messages name files as the engine sees them, absolutely; a user of the server knows its
    folders relative to the root only, and the absolute path is not theirs to see.
    """
    if root is None:
        return message
    base = root.as_posix().rstrip("/")
    if not base:
        return message
    message = message.replace(base + "/", "")
    # The root itself, where it stands alone (not as the start of a longer name).
    return re.sub(re.escape(base) + r"(?![\w.-])", ".", message)


def error_body(exc: BaseException, root: Path | None = None) -> tuple[int, dict[str, Any]]:
    """Status and JSON body for ``exc``; unexpected errors hide their details (logged instead).

    ``root``: the server's root folder, which messages then name paths relative to.
    """
    if isinstance(exc, MlversionError):
        message = relative_to_root(str(exc) or type(exc).__doc__ or type(exc).__name__, root)
        if isinstance(exc, NotAProjectError) and "mlversion init" not in message:
            message = f"{message}; {INIT_HINT}"
        status = int(getattr(exc, "http_status", 400))
        return status, {"status": status, "error": type(exc).__name__, "message": message}
    if isinstance(exc, HTTPError):
        message = exc.log_message or exc.reason or "request refused"
        if exc.args[2:]:
            message = message % exc.args[2:]
        message = relative_to_root(message, root)
        return exc.status_code, {
            "status": exc.status_code,
            "error": "HTTPError",
            "message": message,
        }
    return 500, {
        "status": 500,
        "error": "InternalError",
        "message": "the server failed on this request; its log has the details",
    }

"""Turning a store's failures into one line naming the remote and the object, with retries.

A transient failure (connection reset, timeout, a 5xx answer) is retried with exponential
backoff; what retrying cannot fix (credentials, permissions, a missing bucket) is reported at
once. Either way the caller gets one typed error, never a traceback.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import MlversionError, RemoteAuthError, RemoteError

T = TypeVar("T")

#: Tries of one request before its failure is reported, and the first pause between them.
ATTEMPTS = 4
FIRST_DELAY = 0.2
_AUTH_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "InvalidClientTokenId",
    "AuthorizationHeaderMalformed",
}
_DENIED_CODES = {"AccessDenied", "Forbidden", "403", "AllAccessDisabled"}
_CREDENTIALS_HINT = (
    "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for this endpoint"
)


class Absent(Exception):
    """The object asked for is not in the remote (an answer, not a failure)."""


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _from_store(exc: BaseException) -> bool:
    """True for failures of I/O or of a store's client library (not programming errors)."""
    module = type(exc).__module__.split(".")[0]
    return isinstance(exc, OSError) or module in _STORE_MODULES


_STORE_MODULES = {"botocore", "aiobotocore", "aiohttp", "urllib3", "s3fs", "gcsfs", "adlfs"}


def classify(exc: BaseException, where: str, what: str) -> tuple[MlversionError, bool]:
    """(the error to raise, whether retrying may help) for ``exc`` while doing ``what``."""
    code = _code(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if code in _AUTH_CODES or "InvalidAccessKeyId" in text or "SignatureDoesNotMatch" in text:
        return RemoteAuthError(
            f"{where} refused the credentials ({code or text}) while {what}; {_CREDENTIALS_HINT}"
        ), False
    if code == "NoSuchBucket" or "bucket does not exist" in text.lower():
        return RemoteError(
            f"{where}: the bucket does not exist; create it, or fix the URL "
            "('mlversion remote list', then 'mlversion remote add NAME URL')"
        ), False
    if code in _DENIED_CODES or isinstance(exc, PermissionError) or "Access Denied" in text:
        return RemoteAuthError(
            f"{where} denied permission while {what}; the credentials in use may read but "
            "not write here, or not even read: ask for access or use other credentials"
        ), False
    name = type(exc).__name__
    if "Endpoint" in name or "Connect" in name or isinstance(exc, ConnectionError):
        return RemoteError(
            f"cannot reach {where} while {what} ({text}); check the network and the endpoint "
            "(AWS_ENDPOINT_URL for S3-compatible stores)"
        ), True
    response = getattr(exc, "response", None)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) if response else 0
    transient = not (400 <= int(status or 0) < 500) or status in (408, 429)
    return RemoteError(f"{where} failed while {what} ({code or name}: {text})"), transient


def with_retries(call: Callable[[], T], where: str, what: str, *, attempts: int = ATTEMPTS) -> T:
    """Run ``call``; retry transient failures with backoff; raise one typed error at the end."""
    delay = FIRST_DELAY
    for attempt in range(attempts):
        try:
            return call()
        except (Absent, MlversionError):
            raise
        except Exception as exc:
            error, transient = classify(exc, where, what)
            if not transient or attempt == attempts - 1:
                if transient:
                    error = RemoteError(f"{error} (gave up after {attempts} tries)")
                raise error from None
        time.sleep(delay * (1 + random.random() / 2))  # noqa: S311 (jitter, not security)
        delay *= 2
    raise AssertionError("unreachable")

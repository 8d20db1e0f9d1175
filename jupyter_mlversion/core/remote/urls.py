"""Parsing and checking remote URLs; credentials in a URL are refused, never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InvalidNameError

#: fsspec protocols a remote may use, and the package each needs.
PROTOCOLS = {"s3": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
_SECRET_WORDS = ("key", "secret", "token", "sig", "password", "credential")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RemoteURL:
    """A checked remote URL: ``protocol`` (``file`` or an fsspec protocol) and its ``root``."""

    url: str
    protocol: str
    root: str  # a folder for ``file``, ``bucket/prefix`` otherwise


def parse_url(text: str, base: Path | None = None) -> RemoteURL:
    """Check ``text`` as a remote URL; a relative path is taken from ``base`` (or the cwd)."""
    text = text.strip()
    if not text:
        raise InvalidNameError("a remote needs a URL: s3://bucket/prefix or a folder path")
    if _CONTROL.search(text):
        raise InvalidNameError(
            f"remote URL {text!r} holds a control character or NUL byte; type it again"
        )
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("", "file") or (len(scheme) == 1 and text[1:3] in (":\\", ":/")):
        raw = parts.path if scheme == "file" else text
        if scheme == "file" and parts.netloc not in ("", "localhost"):
            raise InvalidNameError(f"remote URL {text!r}: file URLs name a local folder")
        folder = Path(raw).expanduser()
        if not folder.is_absolute():
            folder = (base or Path.cwd()) / folder
        folder = Path(*folder.parts).resolve()
        return RemoteURL(str(folder), "file", str(folder))
    if scheme not in PROTOCOLS:
        known = ", ".join(sorted({*PROTOCOLS, "file"}))
        raise InvalidNameError(
            f"remote URL {text!r}: unknown scheme {scheme!r}; use one of {known}"
        )
    if "@" in parts.netloc or parts.password or parts.username:
        raise InvalidNameError(
            f"remote URL for {parts.hostname or 'the bucket'} holds credentials; they are "
            "never stored: remove them and use the store's standard configuration "
            "(for S3: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_ENDPOINT_URL)"
        )
    if any(word in parts.query.lower() for word in _SECRET_WORDS) or parts.fragment:
        raise InvalidNameError(
            f"remote URL {parts.scheme}://{parts.netloc}/...: query or fragment parts are "
            "not allowed (credentials are never stored; use the standard configuration)"
        )
    if parts.query:
        raise InvalidNameError(f"remote URL {text!r}: query parts are not allowed")
    bucket = parts.netloc
    if not bucket:
        raise InvalidNameError(f"remote URL {text!r} names no bucket: {scheme}://BUCKET/PREFIX")
    prefix = "/".join(p for p in parts.path.split("/") if p)
    if any(p in (".", "..") for p in prefix.split("/")):
        raise InvalidNameError(f"remote URL {text!r}: '.' and '..' are not allowed in a prefix")
    root = f"{bucket}/{prefix}" if prefix else bucket
    return RemoteURL(f"{scheme}://{root}", scheme, root)

"""Commit metadata as the history reports it, and parsing of ``git log`` output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .history_names import FULL_SHA_RE, validate_full_ref

#: Six NUL-separated fields per commit; with ``-z`` commits are NUL-separated too.
LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%at%x00%B"
_LOG_FIELDS = 6


@dataclass(frozen=True)
class CommitInfo:
    """One commit as the log reports it; ``time`` is ISO 8601 UTC."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    time: str
    message: str
    timestamp: int = 0  # seconds since the epoch, for sorting and arithmetic

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "parents": list(self.parents),
            "author": self.author,
            "email": self.email,
            "time": self.time,
            "message": self.message,
        }


def iso_time(timestamp: float) -> str:
    """Seconds since the epoch as ``2024-05-01T12:00:00Z``."""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def commit_arg(commit: str) -> str:
    """Accept a full sha or a full ref name; anything else could be misread by git."""
    if isinstance(commit, str) and FULL_SHA_RE.fullmatch(commit):
        return commit
    return validate_full_ref(commit)


def load_state(raw: bytes | None) -> dict[str, Any]:
    if not raw:
        return {}
    data = json.loads(raw)
    return data if isinstance(data, dict) else {}


def parse_log(out: bytes) -> list[CommitInfo]:
    fields = out.split(b"\0")
    if len(fields) % _LOG_FIELDS == 1 and fields[-1] == b"":
        fields.pop()
    commits: list[CommitInfo] = []
    for i in range(0, len(fields) - _LOG_FIELDS + 1, _LOG_FIELDS):
        sha, parents, name, email, stamp, body = (
            f.decode("utf-8", "replace") for f in fields[i : i + _LOG_FIELDS]
        )
        seconds = int(stamp or 0)
        commits.append(
            CommitInfo(
                sha=sha.strip(),
                parents=tuple(parents.split()),
                author=name,
                email=email,
                time=iso_time(seconds),
                message=body.rstrip("\n"),
                timestamp=seconds,
            )
        )
    return commits

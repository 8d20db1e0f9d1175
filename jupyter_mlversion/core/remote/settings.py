"""The project's remotes: names and URLs in ``.mlversion/remotes.json`` (never credentials)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..atomic import atomic_write
from ..errors import ConfigError, InvalidNameError, NameExistsError, RemoteNotFoundError
from .urls import parse_url

REMOTES_FILE = "remotes.json"
DEFAULT_REMOTE = "origin"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def remotes_path(meta: Path) -> Path:
    return meta / REMOTES_FILE


def load(meta: Path) -> dict[str, str]:
    """``{name: url}`` in the order they were added (empty without the file)."""
    path = remotes_path(meta)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as exc:
        raise ConfigError(
            f"{path} is damaged ({exc}); fix it or remove it and add the remotes again"
        ) from None
    remotes = data.get("remotes") if isinstance(data, dict) else None
    if not isinstance(remotes, dict) or not all(isinstance(v, str) for v in remotes.values()):
        raise ConfigError(f"{path} is damaged (no remotes table); fix it or remove it")
    return dict(remotes)


def _save(meta: Path, remotes: dict[str, str]) -> None:
    text = json.dumps({"remotes": remotes}, indent=1) + "\n"
    atomic_write(remotes_path(meta), text.encode("utf-8"))


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name.endswith((".lock", ".")) or ".." in name:
        raise InvalidNameError(
            f"invalid remote name {name!r}: use letters, digits, '.', '_' or '-' (e.g. origin)"
        )
    return name


def add(meta: Path, name: str, url: str, base: Path) -> str:
    """Add remote ``name``; returns the URL as stored (a relative path made absolute)."""
    check_name(name)
    remotes = load(meta)
    if name in remotes:
        raise NameExistsError(
            f"remote {name!r} exists ({remotes[name]}); 'mlversion remote remove {name}' first"
        )
    stored = parse_url(url, base).url
    remotes[name] = stored
    _save(meta, remotes)
    return stored


def remove(meta: Path, name: str) -> str:
    remotes = load(meta)
    if name not in remotes:
        raise RemoteNotFoundError(_unknown(name, remotes))
    url = remotes.pop(name)
    _save(meta, remotes)
    return url


def choose(meta: Path, name: str | None) -> tuple[str, str]:
    """(name, url) of ``name``, or of the default remote: ``origin``, else the only one."""
    remotes = load(meta)
    if name is None:
        if DEFAULT_REMOTE in remotes:
            name = DEFAULT_REMOTE
        elif len(remotes) == 1:
            name = next(iter(remotes))
        else:
            raise RemoteNotFoundError(
                "no default remote: " + ("name one" if remotes else "add one first") +
                " ('mlversion remote add origin s3://BUCKET/PREFIX')"
            )  # fmt: skip
    if name not in remotes:
        raise RemoteNotFoundError(_unknown(name, remotes))
    return name, remotes[name]


def _unknown(name: str, remotes: dict[str, str]) -> str:
    known = ", ".join(remotes) or "none yet"
    return f"no remote named {name!r} (remotes: {known}); 'mlversion remote add {name} URL' adds it"

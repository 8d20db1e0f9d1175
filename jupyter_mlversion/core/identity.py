"""Who is snapshotting, and in which environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

#: The author of changes made on someone's behalf (a REST request of a signed-in user).
_acting: ContextVar[tuple[str, str] | None] = ContextVar("mlversion_author", default=None)


@contextmanager
def acting_as(author: tuple[str, str] | None) -> Iterator[None]:
    """Within this block (this thread or task), ``current_author()`` is ``author``."""
    token = _acting.set(author)
    try:
        yield
    finally:
        _acting.reset(token)


def current_author() -> tuple[str, str]:
    """``(name, email)``: who ``acting_as`` names, else the process's user (``process_author``)."""
    return _acting.get() or process_author()


@cache
def process_author() -> tuple[str, str]:
    """The JupyterHub user (name and email from the hub), else git's config, else the OS user."""
    import getpass
    import platform

    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_author(hub_user, _hub_user_info())
    found = _git_config(r"^user\.(name|email)$")
    name, email = found.get("user.name", ""), found.get("user.email", "")
    if name:
        return name, email or f"{name}@localhost"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return user, email or f"{user}@{platform.node() or 'localhost'}"


def hub_author(username: str, user_info: dict[str, Any] | None) -> tuple[str, str]:
    """A hub user as an author: the name and email their authenticator gave, else the user name
    (and ``USER@jupyterhub``). The server side and the kernel both use this."""
    info = user_info or {}
    name = info.get("display_name") or info.get("name") or username
    email = info.get("email") or f"{username}@jupyterhub"
    return str(name), str(email)


def _hub_user_info() -> dict[str, Any] | None:
    """``user_info`` of this server's owner from the hub API (needs ``read:users:name!user`` in
    ``Spawner.server_token_scopes``); None when the hub does not give it."""
    import json
    import urllib.request

    url, token = os.environ.get("JUPYTERHUB_API_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token or not url.startswith(("http://", "https://")):
        return None
    request = urllib.request.Request(  # noqa: S310  (http(s) only, checked above)
        url.rstrip("/") + "/user", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:  # noqa: S310
            info = json.loads(answer.read()).get("user_info")
    except (OSError, ValueError, AttributeError):
        return None
    return info if isinstance(info, dict) else None


def _git_config(pattern: str) -> dict[str, str]:
    """Global git settings whose names match ``pattern`` (one process for all of them)."""
    import subprocess  # only when a commit is made, not on every CLI start

    try:
        out = subprocess.run(
            ["git", "config", "--global", "--get-regexp", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, str] = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(" ")
        found.setdefault(key.lower(), value.strip())
    return found


@cache
def environment() -> dict[str, Any]:
    """Python, platform and installed packages (name -> version) of this process."""
    import platform  # imported here: a no-change snapshot must not pay for it

    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": _platform(),
        "executable": sys.executable,
        "packages": dict(sorted(_packages().items())),
    }


def _platform() -> str:
    """``platform.platform()``'s text on Linux, without the ``uname -p`` process it starts."""
    if not hasattr(os, "uname") or sys.platform != "linux":
        import platform

        return platform.platform()
    u = os.uname()
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""
    text = f"{u.sysname}-{u.release}-{u.machine}"
    return f"{text}-with-{libc.replace(' ', '')}" if libc else text


def _packages() -> dict[str, str]:
    """Installed distributions, mostly from their folder names.

    Parsing every METADATA file costs ~0.7 s with a few hundred packages, on every snapshot;
    ``name-version.dist-info`` already says both, so only other layouts are parsed.
    """
    packages: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            dist, sep, version = stem.partition("-")
            if suffix == "egg-info" or not sep:
                from importlib import metadata  # slow to import; rarely needed

                try:
                    meta = metadata.Distribution.at(os.path.join(entry or ".", name))
                    dist, version = str(meta.metadata["Name"] or dist), str(meta.version)
                except (OSError, ValueError, TypeError):
                    continue
            key = dist.lower().replace("_", "-").replace(".", "-")
            packages.setdefault(key, version)  # earlier sys.path entries win, as imports do
    return packages

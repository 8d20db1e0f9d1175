"""Who is snapshotting, and in which environment."""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any


@cache
def current_author() -> tuple[str, str]:
    """``(name, email)``: the JupyterHub user, else git's config, else the OS user."""
    import getpass
    import platform

    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_user, f"{hub_user}@jupyterhub"
    found = _git_config(r"^user\.(name|email)$")
    name, email = found.get("user.name", ""), found.get("user.email", "")
    if name:
        return name, email or f"{name}@localhost"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return user, email or f"{user}@{platform.node() or 'localhost'}"


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

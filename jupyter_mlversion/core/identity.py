"""Who is snapshotting, and in which environment."""

from __future__ import annotations

import getpass
import os
import platform
import subprocess
import sys
from functools import cache
from importlib import metadata
from typing import Any


@cache
def current_author() -> tuple[str, str]:
    """``(name, email)``: the JupyterHub user, else git's config, else the OS user."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_user, f"{hub_user}@jupyterhub"
    name, email = _git_config("user.name"), _git_config("user.email")
    if name:
        return name, email or f"{name}@localhost"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return user, email or f"{user}@{platform.node() or 'localhost'}"


def _git_config(key: str) -> str:
    try:
        out = subprocess.run(
            ["git", "config", "--global", "--get", key],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


@cache
def environment() -> dict[str, Any]:
    """Python, platform and installed packages (name -> version) of this process."""
    packages: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            packages[str(name).lower()] = str(dist.version)
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "packages": dict(sorted(packages.items())),
    }

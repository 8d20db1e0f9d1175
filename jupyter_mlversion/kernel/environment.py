"""The environment a snapshot records: Python, installed packages, kernel."""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from typing import Any


def packages() -> dict[str, str]:
    """Installed distributions with their versions, sorted by lower-case name."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(str(name), str(dist.version))
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def environment(kernel: dict[str, Any] | None = None) -> dict[str, Any]:
    """Plain JSON describing this interpreter and kernel."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "packages": packages(),
        "kernel": dict(kernel or {}),
    }

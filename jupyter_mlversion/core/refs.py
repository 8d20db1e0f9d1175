"""Parsing the references users type: ``HEAD~2``, tags, id prefixes, ``PATH@v3``, ``PATH@best``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^v(\d+)$")


@dataclass(frozen=True)
class ArtifactRef:
    """``PATH@SELECTOR`` where the selector is ``vN``, an alias, or a snapshot reference."""

    path: str
    selector: str

    @property
    def version(self) -> int | None:
        match = _VERSION.match(self.selector)
        return int(match.group(1)) if match else None


def split_artifact_ref(ref: str) -> ArtifactRef | None:
    """``data/x.csv@v2`` -> ArtifactRef; a plain snapshot reference -> None.

    The last ``@`` separates path and selector, so paths may contain ``@`` too.
    Git's own ``@{...}`` syntax is not an artifact reference.
    """
    if "@" not in ref or ref.startswith("@") or "@{" in ref:
        return None
    path, _, selector = ref.rpartition("@")
    if not path or not selector:
        return None
    return ArtifactRef(path, selector)

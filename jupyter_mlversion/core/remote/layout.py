"""Names inside a remote, and the ``refs.json`` document that says what the remote holds.

```
<url>/packs/<name>.pack, .idx     object records and where each lies (see ``packs``)
<url>/history/<sha256>.bundle     git bundles, named by the SHA-256 of their bytes
<url>/refs.json                   branches, tags, registry tip and the ordered bundle list
```

Packs and bundles are immutable and written before ``refs.json`` names them, so a reader
never meets a ref whose objects are missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import RemoteCorruptError

REFS_KEY = "refs.json"
FORMAT = 1
_SHA = re.compile(r"[0-9a-f]{40}")
_BUNDLE = re.compile(r"[0-9a-f]{64}\.bundle")


def bundle_key(name: str) -> str:
    """Where bundle ``name`` (``<sha256>.bundle``) lives in a remote."""
    if not _BUNDLE.fullmatch(name):
        raise ValueError(f"not a bundle name: {name!r}")
    return f"history/{name}"


@dataclass
class RemoteRefs:
    """What ``refs.json`` says: branch and tag tips, the registry tip, the bundles in order."""

    heads: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    registry: str | None = None
    bundles: list[dict[str, Any]] = field(default_factory=list)

    def shas(self) -> set[str]:
        """Every commit or tag object a ref of the remote names."""
        found = {*self.heads.values(), *self.tags.values()}
        if self.registry:
            found.add(self.registry)
        return found

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "heads": dict(sorted(self.heads.items())),
            "tags": dict(sorted(self.tags.items())),
            "registry": self.registry,
            "bundles": self.bundles,
        }
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None, where: str) -> RemoteRefs:
        """Parse ``refs.json`` (None: an empty remote); RemoteCorruptError when malformed."""
        if raw is None:
            return cls()
        try:
            data = json.loads(raw)
            refs = cls(
                heads={str(k): str(v) for k, v in data.get("heads", {}).items()},
                tags={str(k): str(v) for k, v in data.get("tags", {}).items()},
                registry=data.get("registry"),
                bundles=[
                    {"name": str(b["name"]), "tips": [str(t) for t in b["tips"]]}
                    for b in data.get("bundles", [])
                ],
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise RemoteCorruptError(
                f"{where}/{REFS_KEY} is not a valid refs document ({exc}); "
                "nothing was changed locally"
            ) from None
        bad = [s for s in refs.shas() if not _SHA.fullmatch(s)]
        bad += [b["name"] for b in refs.bundles if not _BUNDLE.fullmatch(b["name"])]
        if bad:
            raise RemoteCorruptError(
                f"{where}/{REFS_KEY} names invalid objects ({bad[0]!r}); "
                "nothing was changed locally"
            )
        return refs

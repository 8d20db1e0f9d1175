"""How a snapshot's git tree records files.

Notebooks are stored as they are (so ``git log -p`` and nbdime's git drivers
work on them). Every other file is a small pointer naming its object id, size
and kind. ``.mlversion/manifest.json`` lists every file of the snapshot and
``.mlversion/snapshot.json`` holds its metadata; both serialise deterministically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .layout import META_DIR
from .model import FileEntry

SNAPSHOT_JSON = f"{META_DIR}/snapshot.json"
MANIFEST_JSON = f"{META_DIR}/manifest.json"
FORMAT = 1
_POINTER_HEADER = "mlversion-pointer 1"


def pointer_bytes(entry: FileEntry) -> bytes:
    """The pointer blob for a data or model file."""
    text = f"{_POINTER_HEADER}\nid blake3:{entry.id}\nsize {entry.size}\nkind {entry.kind}\n"
    return text.encode()


def manifest_bytes(files: Mapping[str, FileEntry]) -> bytes:
    rows = {p: [e.id, e.size, e.kind] for p, e in sorted(files.items())}
    return json.dumps({"format": FORMAT, "files": rows}, sort_keys=True).encode()


def parse_manifest(data: bytes | None) -> dict[str, FileEntry]:
    if not data:
        return {}
    rows = json.loads(data)["files"]
    return {p: FileEntry(p, r[0], int(r[1]), r[2]) for p, r in rows.items()}


def metadata_bytes(meta: Mapping[str, Any]) -> bytes:
    return json.dumps({"format": FORMAT, **meta}, sort_keys=True, indent=1).encode()


def parse_metadata(data: bytes | None) -> dict[str, Any]:
    return json.loads(data) if data else {}

"""Model diffs from what can be read safely: safetensors and ONNX headers, else size and id.

Nothing here unpickles: pickle, joblib and PyTorch checkpoints can run arbitrary code when
loaded, so for them only the size and the BLAKE3 id of the bytes are compared.
"""

from __future__ import annotations

import json
import math
import struct
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import blake3

from ..errors import UnreadableFileError
from ._source import Source, identify, iter_chunks

#: A header larger than this is not a safetensors header (the format's own limit is 100 MB).
_MAX_HEADER = 100_000_000

_SIDE = {
    "type": "object",
    "required": ["size", "id"],
    "properties": {"size": {"type": "integer", "minimum": 0}, "id": {"type": "string"}},
}
_TENSOR = {
    "type": "object",
    "required": ["name", "dtype", "shape"],
    "properties": {
        "name": {"type": "string"},
        "dtype": {"type": "string"},
        "shape": {"type": "array", "items": {"type": ["integer", "string"]}},
    },
}
_TENSOR_CHANGES = {
    "type": "object",
    "required": ["added", "removed", "changed", "unchanged"],
    "properties": {
        "added": {"type": "array", "items": _TENSOR},
        "removed": {"type": "array", "items": _TENSOR},
        "changed": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "old", "new", "values_changed"],
                "properties": {
                    "old": _TENSOR,
                    "new": _TENSOR,
                    "values_changed": {"type": ["boolean", "null"]},
                },
            },
        },
        "unchanged": {"type": "integer", "minimum": 0},
    },
}
MODEL_DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "model diff",
    "type": "object",
    "required": ["kind", "name", "format", "old", "new", "same"],
    "properties": {
        "kind": {"const": "model"},
        "name": {"type": "string"},
        "format": {"enum": ["safetensors", "onnx", "opaque"]},
        "old": _SIDE,
        "new": _SIDE,
        "same": {"type": "boolean"},
        "tensors": _TENSOR_CHANGES,
        "initializers": _TENSOR_CHANGES,
        "metadata": {"type": "object", "required": ["old", "new"]},
        "inputs": {"type": "object", "required": ["old", "new"]},
        "outputs": {"type": "object", "required": ["old", "new"]},
        "opset": {"type": "object", "required": ["old", "new"]},
        "op_counts": {"type": "array", "items": {"type": "object"}},
        "note": {"type": "string"},
    },
}


def model_format(name: str) -> str:
    """``safetensors``, ``onnx``, or ``opaque`` for any other model file."""
    suffix = Path(name).suffix.lower()
    return {".safetensors": "safetensors", ".onnx": "onnx"}.get(suffix, "opaque")


def diff_model_files(old: Source, new: Source, *, name: str) -> dict[str, Any]:
    """Diff two versions of a model file given as paths, binary streams or iterables of bytes."""
    fmt = model_format(name)
    if fmt == "safetensors":
        result = _diff_safetensors(old, new, name)
    elif fmt == "onnx":
        from .onnx_model import diff_onnx  # onnx is imported only when an ONNX file is diffed

        result = diff_onnx(old, new, name)
    else:
        result = {
            "old": identify(old, f"{name} (old)"),
            "new": identify(new, f"{name} (new)"),
            "note": "contents not inspected: pickle-based formats (pickle, joblib, PyTorch) "
            "can run code when loaded, so only size and id are compared",
        }
    result.update(kind="model", name=name, format=fmt)
    result["same"] = result["old"]["id"] == result["new"]["id"]
    return result


class _Stream:
    """Exact-size reads over an iterator of byte chunks, hashing everything that passes."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.hasher = blake3.blake3()
        self.size = 0

    def read(self, n: int) -> bytes:
        parts, wanted = [], n
        while wanted:
            if not self._buffer:
                self._buffer = next(self._chunks, b"")
                if not self._buffer:
                    break
            piece, self._buffer = self._buffer[:wanted], self._buffer[wanted:]
            self.hasher.update(piece)
            self.size += len(piece)
            parts.append(piece)
            wanted -= len(piece)
        return b"".join(parts)

    def drain(self) -> None:
        while self.read(1 << 20):
            pass


def read_safetensors(source: Source, name: str) -> dict[str, Any]:
    """Header, per-tensor BLAKE3 of the data bytes, size and id, in one streaming pass."""
    stream = _Stream(iter_chunks(source, name))
    prefix = stream.read(8)
    (length,) = struct.unpack("<Q", prefix) if len(prefix) == 8 else (-1,)
    if not 0 < length <= _MAX_HEADER:
        raise UnreadableFileError(
            f"{name} is not a safetensors file (bad header length); check the file's extension"
        )
    try:
        header = json.loads(stream.read(length))
        metadata = header.pop("__metadata__", None) or {}
        spans = sorted(
            (int(v["data_offsets"][0]), int(v["data_offsets"][1]), k) for k, v in header.items()
        )
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise UnreadableFileError(
            f"{name} has an invalid safetensors header ({exc}); re-save the model"
        ) from exc
    hashes: dict[str, str] = {}
    position = 0
    for begin, end, tensor in spans:
        if begin < position or end < begin:
            raise UnreadableFileError(f"{name}: tensor {tensor!r} overlaps another; re-save it")
        stream.read(begin - position)
        hasher = blake3.blake3()
        remaining = end - begin
        while remaining:
            piece = stream.read(min(remaining, 1 << 20))
            if not piece:
                raise UnreadableFileError(f"{name} is truncated inside tensor {tensor!r}")
            hasher.update(piece)
            remaining -= len(piece)
        hashes[tensor] = hasher.hexdigest()
        position = end
    stream.drain()
    tensors = {
        key: {
            "name": key,
            "dtype": str(value["dtype"]),
            "shape": [int(d) for d in value["shape"]],
            "hash": hashes[key],
        }
        for key, value in header.items()
    }
    return {
        "size": stream.size,
        "id": stream.hasher.hexdigest(),
        "metadata": {str(k): str(v) for k, v in metadata.items()},
        "tensors": tensors,
    }


def compare_tensors(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Added, removed and changed tensors (by name); ``hash`` None means values not readable."""

    def brief(tensor: dict[str, Any]) -> dict[str, Any]:
        return {k: tensor[k] for k in ("name", "dtype", "shape")}

    changed = []
    unchanged = 0
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        same_values = None if a["hash"] is None or b["hash"] is None else a["hash"] == b["hash"]
        if brief(a) == brief(b) and same_values is not False:
            unchanged += 1
            continue
        values_changed = None if same_values is None else not same_values
        changed.append(
            {"name": name, "old": brief(a), "new": brief(b), "values_changed": values_changed}
        )
    return {
        "added": [brief(new[n]) for n in sorted(new.keys() - old.keys())],
        "removed": [brief(old[n]) for n in sorted(old.keys() - new.keys())],
        "changed": changed,
        "unchanged": unchanged,
    }


def _parameters(tensors: dict[str, dict[str, Any]]) -> int:
    return sum(
        math.prod(int(d) for d in t["shape"] if isinstance(d, int)) for t in tensors.values()
    )


def _diff_safetensors(old: Source, new: Source, name: str) -> dict[str, Any]:
    a = read_safetensors(old, f"{name} (old)")
    b = read_safetensors(new, f"{name} (new)")
    sides = [
        {
            "size": side["size"],
            "id": side["id"],
            "tensors": len(side["tensors"]),
            "parameters": _parameters(side["tensors"]),
        }
        for side in (a, b)
    ]
    return {
        "old": sides[0],
        "new": sides[1],
        "metadata": {"old": a["metadata"], "new": b["metadata"]},
        "tensors": compare_tensors(a["tensors"], b["tensors"]),
    }


def op_count_changes(old: Counter[str], new: Counter[str]) -> list[dict[str, Any]]:
    """Per operator type: count before, after and the difference (all types, sorted)."""
    return [
        {"op": op, "old": old[op], "new": new[op], "delta": new[op] - old[op]}
        for op in sorted(old.keys() | new.keys())
    ]

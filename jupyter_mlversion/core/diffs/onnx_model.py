"""ONNX model diffs: graph inputs and outputs, initializers, operator counts and opsets.

ONNX files are protobuf messages, which parse without running any code. External tensor data is
not loaded: such initializers are compared by shape and type, their values reported as unknown.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import blake3
import onnx
from google.protobuf.message import DecodeError

from ..errors import UnreadableFileError
from ._source import Source, iter_chunks, local_path
from .model import compare_tensors, op_count_changes


def read_onnx(source: Source, name: str) -> dict[str, Any]:
    """Size, id and the inspectable parts of an ONNX model."""
    hasher, size = blake3.blake3(), 0
    with local_path(source, name) as path:
        for chunk in iter_chunks(path, name):
            hasher.update(chunk)
            size += len(chunk)
        try:
            model = onnx.load(str(path), load_external_data=False)
        except (DecodeError, ValueError, RuntimeError) as exc:
            raise UnreadableFileError(
                f"{name} is not a valid ONNX model ({exc}); check the file's extension"
            ) from exc
    graph = model.graph
    return {
        "size": size,
        "id": hasher.hexdigest(),
        "ir_version": int(model.ir_version),
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "opset": {(o.domain or "ai.onnx"): int(o.version) for o in model.opset_import},
        "inputs": [_value_info(v) for v in graph.input],
        "outputs": [_value_info(v) for v in graph.output],
        "initializers": {t.name: _initializer(t) for t in graph.initializer},
        "ops": Counter(node.op_type for node in graph.node),
    }


def _value_info(value: onnx.ValueInfoProto) -> dict[str, Any]:
    kind = value.type
    if kind.HasField("tensor_type"):
        shape = [
            d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
            for d in kind.tensor_type.shape.dim
        ]
        dtype = onnx.TensorProto.DataType.Name(kind.tensor_type.elem_type)
        return {"name": value.name, "dtype": dtype, "shape": shape}
    return {"name": value.name, "dtype": kind.WhichOneof("value") or "unknown", "shape": []}


def _initializer(tensor: onnx.TensorProto) -> dict[str, Any]:
    external = tensor.data_location == onnx.TensorProto.EXTERNAL
    if external:
        digest = None  # the values live in another file, which is not read
    else:
        # raw_data when present; otherwise the typed fields, serialised without the name.
        payload = tensor.raw_data
        if not payload:
            copy = onnx.TensorProto()
            copy.CopyFrom(tensor)
            copy.ClearField("name")
            payload = copy.SerializeToString(deterministic=True)
        digest = blake3.blake3(payload).hexdigest()
    return {
        "name": tensor.name,
        "dtype": onnx.TensorProto.DataType.Name(tensor.data_type),
        "shape": [int(d) for d in tensor.dims],
        "hash": digest,
    }


def diff_onnx(old: Source, new: Source, name: str) -> dict[str, Any]:
    """Diff two ONNX models (the ``model`` diff kind, ``format: onnx``)."""
    a = read_onnx(old, f"{name} (old)")
    b = read_onnx(new, f"{name} (new)")
    sides = [
        {
            "size": s["size"],
            "id": s["id"],
            "ir_version": s["ir_version"],
            "producer": s["producer"],
            "initializers": len(s["initializers"]),
            "nodes": sum(s["ops"].values()),
        }
        for s in (a, b)
    ]
    return {
        "old": sides[0],
        "new": sides[1],
        "opset": {"old": a["opset"], "new": b["opset"]},
        "inputs": {"old": a["inputs"], "new": b["inputs"], "changed": a["inputs"] != b["inputs"]},
        "outputs": {
            "old": a["outputs"],
            "new": b["outputs"],
            "changed": a["outputs"] != b["outputs"],
        },
        "initializers": compare_tensors(a["initializers"], b["initializers"]),
        "op_counts": op_count_changes(a["ops"], b["ops"]),
    }

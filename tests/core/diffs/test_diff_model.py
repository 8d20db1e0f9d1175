"""Model diffs: safetensors and ONNX headers read safely; pickles never loaded."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import jsonschema
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file

from jupyter_mlversion.core.diffs import (
    BINARY_DIFF_SCHEMA,
    MODEL_DIFF_SCHEMA,
    VALUES_DIFF_SCHEMA,
    diff_files,
    diff_values,
)


def test_safetensors_tensors_added_removed_reshaped_and_changed(tmp_path: Path) -> None:
    old, new = tmp_path / "old.safetensors", tmp_path / "new.safetensors"
    weight = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_file(
        {"w": weight, "b": np.zeros(4, np.float32), "gone": np.ones(2, np.int64)},
        old,
        metadata={"epoch": "1"},
    )
    changed = weight.copy()
    changed[1, 1] = 99
    save_file(
        {"w": changed, "b": np.zeros(4, np.float32), "extra": np.ones((2, 2), np.float16)},
        new,
        metadata={"epoch": "2"},
    )
    result = diff_files("model", old, new, "models/net.safetensors")
    jsonschema.validate(result, MODEL_DIFF_SCHEMA)
    json.dumps(result)
    tensors = result["tensors"]
    assert tensors["added"] == [{"name": "extra", "dtype": "F16", "shape": [2, 2]}]
    assert tensors["removed"] == [{"name": "gone", "dtype": "I64", "shape": [2]}]
    assert [(c["name"], c["values_changed"]) for c in tensors["changed"]] == [("w", True)]
    assert tensors["unchanged"] == 1
    assert result["metadata"] == {"old": {"epoch": "1"}, "new": {"epoch": "2"}}
    assert (result["old"]["parameters"], result["new"]["parameters"]) == (18, 20)
    assert result["old"]["size"] == old.stat().st_size and not result["same"]

    # The same answer from byte chunks as the store streams them (odd sizes on purpose).
    raw = new.read_bytes()
    chunks = (raw[i : i + 7] for i in range(0, len(raw), 7))
    assert diff_files(
        "model", old.read_bytes().splitlines(keepends=True), chunks, "m.safetensors"
    ) == {
        **result,
        "name": "m.safetensors",
    }


def make_onnx(path: Path, weight: np.ndarray, extra_relu: bool) -> None:
    nodes = [helper.make_node("MatMul", ["x", "W"], ["h"])]
    nodes.append(helper.make_node("Relu", ["h"], ["y" if not extra_relu else "h2"]))
    if extra_relu:
        nodes.append(helper.make_node("Relu", ["h2"], ["y"]))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
        initializer=[
            numpy_helper.from_array(weight, "W"),
            numpy_helper.from_array(np.ones(2, np.float32), "bias"),
        ],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_onnx_graph_initializers_and_op_counts(tmp_path: Path) -> None:
    weight = np.ones((3, 2), np.float32)
    make_onnx(tmp_path / "a.onnx", weight, extra_relu=False)
    make_onnx(tmp_path / "b.onnx", weight * 2, extra_relu=True)
    result = diff_files(None, tmp_path / "a.onnx", tmp_path / "b.onnx", "clf.onnx")
    jsonschema.validate(result, MODEL_DIFF_SCHEMA)
    json.dumps(result)
    assert result["format"] == "onnx"
    assert result["opset"] == {"old": {"ai.onnx": 17}, "new": {"ai.onnx": 17}}
    assert result["inputs"]["new"] == [{"name": "x", "dtype": "FLOAT", "shape": ["batch", 3]}]
    assert not result["inputs"]["changed"]
    assert [(c["name"], c["values_changed"]) for c in result["initializers"]["changed"]] == [
        ("W", True)
    ]
    assert result["initializers"]["unchanged"] == 1
    relu = next(o for o in result["op_counts"] if o["op"] == "Relu")
    assert (relu["old"], relu["new"], relu["delta"]) == (1, 2, 1)


class Exploit:
    """Unpickling this runs os.system: the diff must never do so."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_malicious_pickle_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    old, new = tmp_path / "a.pkl", tmp_path / "b.pkl"
    old.write_bytes(pickle.dumps({"weights": [1, 2]}))
    new.write_bytes(pickle.dumps(Exploit(marker)))
    for name in ("model.pkl", "model.joblib", "model.pt"):
        result = diff_files("model", old, new, name)
        jsonschema.validate(result, MODEL_DIFF_SCHEMA)
        assert result["format"] == "opaque" and not result["same"]
        assert result["new"]["size"] == new.stat().st_size
    assert not marker.exists()
    # Sanity check that the payload is real: loading it does create the marker.
    pickle.loads(new.read_bytes())
    assert marker.exists()


def test_unknown_files_compare_by_size_and_id(tmp_path: Path) -> None:
    (tmp_path / "a.bin2").write_bytes(b"abc")
    result = diff_files(None, tmp_path / "a.bin2", iter([b"a", b"bc"]), "notes.dat")
    jsonschema.validate(result, BINARY_DIFF_SCHEMA)
    assert result["kind"] == "file" and result["same"]
    assert result["old"] == result["new"] and result["old"]["size"] == 3


def test_metrics_and_params_before_after_and_delta() -> None:
    rows = diff_values(
        {"acc": 0.8, "loss": 0.5, "lr": 0.1, "flag": True},
        {"acc": 0.9, "loss": 0.5, "f1": 0.7, "flag": False},
    )
    jsonschema.validate(rows, VALUES_DIFF_SCHEMA)
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"acc", "f1", "lr", "flag"}
    assert by_name["acc"]["delta"] == 0.9 - 0.8 and by_name["acc"]["status"] == "changed"
    assert by_name["f1"] == {
        "name": "f1",
        "old": None,
        "new": 0.7,
        "delta": None,
        "status": "added",
    }
    assert by_name["lr"]["status"] == "removed" and by_name["flag"]["delta"] is None
    everything = diff_values({"loss": 0.5}, {"loss": 0.5}, include_unchanged=True)
    assert everything == [
        {"name": "loss", "old": 0.5, "new": 0.5, "delta": 0.0, "status": "unchanged"}
    ]

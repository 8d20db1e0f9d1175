"""One table of kinds: config's kind_of and the diff dispatcher agree (an .h5 is a dataset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_mlversion.core.config import Config
from jupyter_mlversion.core.diffs import UnsupportedFormatError, diff_files
from jupyter_mlversion.core.kinds import DATASET_SUFFIXES, MODEL_SUFFIXES, classify

# Models whose diff needs a real header; the others are compared by size and id.
_PARSED = {".onnx", ".safetensors"}


@pytest.mark.parametrize("name", ["scores.h5", "data/arrays.hdf5"])
def test_an_h5_dataset_is_never_diffed_as_a_model(tmp_path: Path, name: str) -> None:
    assert Config().kind_of(name) == "dataset" == classify(name)
    old, new = tmp_path / "a", tmp_path / "b"
    old.write_bytes(b"\x89HDF\r\n\x1a\n old")
    new.write_bytes(b"\x89HDF\r\n\x1a\n new")
    # As the server asks (with the kind the snapshot recorded): not a table, not a model.
    with pytest.raises(UnsupportedFormatError, match="as a table"):
        diff_files("dataset", old, new, name)
    # Without a kind, the shared table decides: a dataset, so no model diff either.
    result = diff_files(None, old, new, name)
    assert result["kind"] == "file" and not result["same"]


def test_an_h5_snapshotted_in_a_project_is_recorded_as_a_dataset(make_project) -> None:
    repo = make_project({"in.h5": b"\x89HDF v0"})
    repo.snapshot(["in.h5"], message="h5")
    (entry,) = repo.show("HEAD")[1]
    assert entry.kind == "dataset"
    with pytest.raises(UnsupportedFormatError):
        diff_files(entry.kind, repo.read_bytes(entry, "HEAD"), iter([b"x"]), entry.path)


@pytest.mark.parametrize("suffix", sorted(set(MODEL_SUFFIXES) - _PARSED))
def test_every_model_suffix_is_a_model_for_config_and_diffs(tmp_path: Path, suffix: str) -> None:
    name = f"clf{suffix}"
    assert Config().kind_of(name) == "model"
    path = tmp_path / "m"
    path.write_bytes(b"weights")
    assert diff_files(None, path, path, name)["kind"] == "model"


def test_the_tables_do_not_overlap() -> None:
    assert not set(MODEL_SUFFIXES) & set(DATASET_SUFFIXES)
    assert Config.load(Path("/nonexistent")).model_patterns == Config().model_patterns

"""Notebook diffs: nbdime's format, patching back to the new notebook, summary, schema."""

from __future__ import annotations

import base64
import copy
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import nbdime
import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbdime.diff_format import DiffEntry

from jupyter_mlversion.core.diffs import NOTEBOOK_DIFF_SCHEMA, diff_files, diff_notebooks_fast
from jupyter_mlversion.core.errors import UnreadableFileError

NBDIME_SCHEMA = json.loads(
    (Path(nbdime.__file__).parent / "diff_format.schema.json").read_text(encoding="utf-8")
)


def entries(diff: Any) -> Any:
    """Plain dicts as nbdime DiffEntry objects, which nbdime.patch needs."""
    if isinstance(diff, list):
        return [entries(e) for e in diff]
    if isinstance(diff, dict) and "op" in diff:
        return DiffEntry({k: entries(v) if k == "diff" else v for k, v in diff.items()})
    return diff


def make_cell(rng: random.Random, n: int) -> dict[str, Any]:
    if rng.random() < 0.3:
        cell = nbformat.v4.new_markdown_cell(f"# title {n}\n\ntext {rng.randint(0, 9)}")
    else:
        cell = nbformat.v4.new_code_cell(
            "\n".join(f"x{k} = {rng.randint(0, 99)}" for k in range(rng.randint(1, 4))),
            execution_count=n,
        )
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{n}\n")]
        if rng.random() < 0.2:
            png = base64.b64encode(rng.randbytes(300)).decode()
            cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": png}))
    cell.id = f"c{n}"
    return json.loads(json.dumps(cell))


def make_notebook(rng: random.Random, cells: int) -> dict[str, Any]:
    nb = json.loads(json.dumps(nbformat.v4.new_notebook()))
    nb["cells"] = [make_cell(rng, i) for i in range(cells)]
    return nb


def mutate(nb: dict[str, Any], rng: random.Random, edits: int) -> dict[str, Any]:
    new = copy.deepcopy(nb)
    cells = new["cells"]
    for n in range(edits):
        op = rng.choice(["source", "output", "insert", "delete", "move", "id", "meta"])
        if not cells and op != "insert":
            op = "insert"
        i = rng.randrange(len(cells)) if cells else 0
        if op == "source":
            cells[i]["source"] += f"\n# edit {n}"
        elif op == "output" and cells[i]["cell_type"] == "code":
            cells[i]["outputs"] = [nbformat.v4.new_output("stream", name="stdout", text="new\n")]
        elif op == "insert":
            cells.insert(i, make_cell(rng, 1000 + n))
        elif op == "delete":
            del cells[i]
        elif op == "move":
            cells.insert(rng.randrange(len(cells)), cells.pop(i))
        elif op == "id":
            cells[i]["id"] = f"renamed{n}"
        else:
            new["metadata"][f"key{n}"] = n
    return new


def check(base: dict[str, Any], new: dict[str, Any], result: dict[str, Any]) -> None:
    jsonschema.validate(result, NOTEBOOK_DIFF_SCHEMA)
    jsonschema.validate(result["diff"], NBDIME_SCHEMA)
    json.dumps(result)  # plain JSON-able data
    assert nbdime.patch(result["base"], entries(result["diff"])) == new


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), cells=st.integers(0, 40), edits=st.integers(0, 8))
def test_fast_diff_patches_base_into_new(seed: int, cells: int, edits: int) -> None:
    rng = random.Random(seed)
    base = make_notebook(rng, cells)
    new = mutate(base, rng, edits)
    check(base, new, diff_notebooks_fast(base, new))


def test_summary_names_added_removed_and_modified_cells() -> None:
    base = make_notebook(random.Random(1), 10)
    new = copy.deepcopy(base)
    new["cells"][2]["source"] = "changed = True"
    del new["cells"][5]
    new["cells"].insert(7, make_cell(random.Random(2), 99))
    result = diff_notebooks_fast(base, new)
    check(base, new, result)
    summary = result["summary"]
    assert [(c["old_index"], c["new_index"], c["id"]) for c in summary["modified"]] == [
        (2, 2, "c2")
    ]
    assert [(c["index"], c["id"]) for c in summary["removed"]] == [(5, "c5")]
    assert [(c["index"], c["id"]) for c in summary["added"]] == [(7, "c99")]
    assert summary["modified"][0]["parts"] == ["source"]
    assert (summary["old_cells"], summary["new_cells"], summary["metadata"]) == (10, 10, False)


def test_identical_notebooks_give_an_empty_diff() -> None:
    base = make_notebook(random.Random(3), 12)
    result = diff_notebooks_fast(base, copy.deepcopy(base))
    assert result["diff"] == []
    assert not (result["summary"]["added"] or result["summary"]["removed"])


def test_without_outputs_output_changes_disappear() -> None:
    base = make_notebook(random.Random(4), 8)
    new = copy.deepcopy(base)
    code = next(c for c in new["cells"] if c["cell_type"] == "code")
    code["outputs"] = []
    code["execution_count"] = 77
    assert diff_notebooks_fast(base, new)["summary"]["modified"]
    result = diff_notebooks_fast(base, new, include_outputs=False)
    assert result["diff"] == []
    assert all(c.get("outputs", []) == [] for c in result["base"]["cells"])

    new["cells"][0]["source"] = "edited"
    result = diff_notebooks_fast(base, new, include_outputs=False)
    stripped_new = diff_notebooks_fast(new, new, include_outputs=False)["base"]
    check(result["base"], stripped_new, result)
    assert [c["old_index"] for c in result["summary"]["modified"]] == [0]


def test_files_and_byte_streams_give_the_same_diff(tmp_path: Path) -> None:
    base = make_notebook(random.Random(5), 6)
    new = mutate(base, random.Random(6), 3)
    old_path, new_path = tmp_path / "old.ipynb", tmp_path / "new.ipynb"
    old_path.write_text(json.dumps(base), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    from_paths = diff_files("notebook", old_path, new_path, "analysis.ipynb")
    raw = new_path.read_bytes()
    chunks = iter([raw[:100], raw[100:]])
    with old_path.open("rb") as stream:
        from_streams = diff_files(None, stream, chunks, "analysis.ipynb")
    assert from_paths == from_streams
    assert from_paths["kind"] == "notebook" and from_paths["name"] == "analysis.ipynb"


def test_a_broken_notebook_is_reported_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    good = tmp_path / "good.ipynb"
    good.write_text(json.dumps(make_notebook(random.Random(7), 1)), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"bad\.ipynb"):
        diff_files("notebook", good, bad, "bad.ipynb")

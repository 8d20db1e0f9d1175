"""Table diffs over real CSV, TSV, Parquet, Feather and JSON-lines files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pytest

from jupyter_mlversion.core.diffs import (
    TABLE_DIFF_SCHEMA,
    UnknownKeyColumnError,
    UnsupportedFormatError,
    diff_files,
    diff_table_files,
)
from jupyter_mlversion.core.errors import UnreadableFileError


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    old = pd.DataFrame(
        {
            "id": np.arange(500),
            "score": np.arange(500) * 0.5,
            "label": [f"cls{i % 4}" for i in range(500)],
        }
    )
    new = old.copy()
    new.loc[new["id"] == 7, "score"] = -1.0  # changed
    new.loc[new["id"] == 8, "label"] = "other"  # changed
    new = new[~new["id"].isin([20, 21, 22])]  # removed
    extra = pd.DataFrame({"id": [900, 901], "score": [1.0, 2.0], "label": ["cls0", "cls1"]})
    new = pd.concat([new, extra], ignore_index=True)
    new["weight"] = 1  # column added
    return old, new


def write(df: pd.DataFrame, path: Path) -> Path:
    suffix = path.suffix
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".tsv":
        df.to_csv(path, index=False, sep="\t")
    elif suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".feather":
        feather.write_feather(pa.Table.from_pandas(df, preserve_index=False), path, chunksize=64)
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".feather", ".jsonl"])
def test_keyed_diff_in_every_format(tmp_path: Path, suffix: str) -> None:
    old, new = frames()
    a, b = write(old, tmp_path / f"a{suffix}"), write(new, tmp_path / f"b{suffix}")
    result = diff_table_files(a, b, name=f"data/train{suffix}", keys=["id"])
    jsonschema.validate(result, TABLE_DIFF_SCHEMA)
    json.dumps(result)
    rows = result["rows"]
    assert (rows["old"], rows["new"]) == (500, 499)
    assert (rows["added"], rows["removed"], rows["changed"]) == (2, 3, 2)
    assert rows["unchanged"] == 495
    assert result["schema"]["added"] == ["weight"]
    assert result["schema"]["removed"] == [] and result["schema"]["type_changed"] == []
    samples = result["samples"]
    assert sorted(r["id"] for r in samples["added"]) == [900, 901]
    assert sorted(r["id"] for r in samples["removed"]) == [20, 21, 22]
    changed = {s["key"]["id"]: s for s in samples["changed"]}
    assert changed[7]["changed_columns"] == ["score"]
    assert (changed[7]["old"]["score"], changed[7]["new"]["score"]) == (3.5, -1.0)
    assert changed[8]["changed_columns"] == ["label"]


def test_column_statistics_before_and_after(tmp_path: Path) -> None:
    old, new = frames()
    result = diff_table_files(
        write(old, tmp_path / "a.csv"), write(new, tmp_path / "b.csv"), name="t.csv"
    )
    before = {c["name"]: c for c in result["columns"]["old"]}
    after = {c["name"]: c for c in result["columns"]["new"]}
    assert before["score"] == {
        "name": "score",
        "type": "double",
        "count": 500,
        "nulls": 0,
        "min": 0.0,
        "max": 249.5,
        "mean": pytest.approx(124.75),
    }
    assert after["score"]["min"] == -1.0
    assert before["label"]["distinct"] == 4 and after["label"]["distinct"] == 5
    assert before["label"]["top_values"][0]["count"] == 125
    assert after["weight"]["mean"] == 1.0


def test_without_keys_rows_match_by_content_with_duplicates(tmp_path: Path) -> None:
    old = pd.DataFrame({"a": [1, 1, 2, 3], "b": ["x", "x", "y", "z"]})
    new = pd.DataFrame({"a": [1, 2, 3, 3, 4], "b": ["x", "y", "z", "z", "w"]})
    result = diff_table_files(
        write(old, tmp_path / "a.csv"), write(new, tmp_path / "b.csv"), name="t.csv"
    )
    jsonschema.validate(result, TABLE_DIFF_SCHEMA)
    rows = result["rows"]
    # One duplicate (1, x) gone; a second (3, z) and (4, w) new.
    assert (rows["removed"], rows["added"], rows["changed"]) == (1, 2, 0)
    assert result["samples"]["removed"] == [{"a": 1, "b": "x"}]
    assert result["samples"]["added"] == [{"a": 3, "b": "z"}, {"a": 4, "b": "w"}]


def test_type_change_and_nulls_compare_values_not_types(tmp_path: Path) -> None:
    old = pd.DataFrame({"k": [1, 2, 3], "v": [1, 2, 3], "s": ["a", None, "c"]})
    new = pd.DataFrame({"k": [1, 2, 3], "v": [1.0, 2.5, 3.0], "s": ["a", None, "c"]})
    result = diff_table_files(
        write(old, tmp_path / "a.parquet"),
        write(new, tmp_path / "b.parquet"),
        name="t.parquet",
        keys=["k"],
    )
    assert result["schema"]["type_changed"] == [{"name": "v", "old": "int64", "new": "double"}]
    assert result["rows"]["changed"] == 1
    assert result["samples"]["changed"][0]["key"] == {"k": 2}
    assert result["columns"]["old"][2]["nulls"] == 1


def test_csv_whose_types_drift_after_the_first_block(tmp_path: Path) -> None:
    # Block-wise type inference sees integers first, then text: the reader falls back to text.
    body = "".join(f"{i},{i},{'p' * 60}\n" for i in range(80_000))  # > one 4 MB block
    (tmp_path / "a.csv").write_text("k,v,pad\n" + body + "x,1,p\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("k,v,pad\n" + body + "x,2,p\n", encoding="utf-8")
    result = diff_table_files(tmp_path / "a.csv", tmp_path / "b.csv", name="t.csv", keys=["k"])
    assert result["rows"]["changed"] == 1
    assert result["samples"]["changed"][0]["new"] == {"k": "x", "v": "2", "pad": "p"}


def test_byte_streams_are_spooled_and_give_the_same_result(tmp_path: Path) -> None:
    old, new = frames()
    a, b = write(old, tmp_path / "a.parquet"), write(new, tmp_path / "b.parquet")
    raw = b.read_bytes()
    with a.open("rb") as stream:
        streamed = diff_files("dataset", stream, iter([raw[:999], raw[999:]]), "t.parquet")
    assert streamed == diff_files("dataset", a, b, "t.parquet")


def test_errors_name_the_file_and_what_to_do(tmp_path: Path) -> None:
    old, new = frames()
    a, b = write(old, tmp_path / "a.csv"), write(new, tmp_path / "b.csv")
    with pytest.raises(UnknownKeyColumnError, match="weight"):
        diff_table_files(a, b, name="t.csv", keys=["weight"])
    with pytest.raises(UnsupportedFormatError, match=r"\.xlsx"):
        diff_table_files(a, b, name="t.xlsx")
    with pytest.raises(UnsupportedFormatError, match="unknown extension"):
        diff_files("dataset", a, b, "t.xlsx")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(UnreadableFileError, match=r"junk\.parquet"):
        diff_table_files(junk, junk, name="junk.parquet")

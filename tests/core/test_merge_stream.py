"""The streamed row merge (CSV, TSV, JSON lines): same results as the in-memory rules, in chunks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_mlversion.core.merge import stream
from jupyter_mlversion.core.merge.stream import merge_table_files
from jupyter_mlversion.core.merge.tables import TableMerge, merge_table
from jupyter_mlversion.core.repository import Repository

BASE = "id,x,y\n1,a,10\n2,b,20\n3,c,30\n4,d,40\n"
CASES = {
    "appended on both, one row changed": (
        BASE,
        "id,x,y\n1,a,10\n2,b,20\n3,C,30\n4,d,40\n5,e,50\n",
        "id,x,y\n1,a,10\n2,b,20\n3,c,30\n4,d,40\n6,f,60\n",
    ),
    "removed on one side, changed on the other": (
        BASE,
        "id,x,y\n1,a,10\n3,c,30\n4,d,40\n",
        "id,x,y\n1,A,10\n2,b,20\n3,c,30\n4,d,40\n",
    ),
    "same row changed on both sides": (
        BASE,
        "id,x,y\n1,a,10\n2,O,20\n3,c,30\n4,d,40\n",
        "id,x,y\n1,a,10\n2,T,20\n3,c,30\n4,d,40\n",
    ),
    "a column added on theirs, a row changed on ours": (
        BASE,
        "id,x,y\n1,a,10\n2,b,99\n3,c,30\n4,d,40\n",
        "id,x,y,z\n1,a,10,p\n2,b,20,q\n3,c,30,r\n4,d,40,s\n",
    ),
    "columns changed on both sides": (
        BASE,
        "id,x\n1,a\n2,b\n3,c\n4,d\n",
        "id,x,y,z\n1,a,10,p\n2,b,20,q\n3,c,30,r\n4,d,40,s\n",
    ),
    "no unique column": (
        "g,x\n1,a\n1,b\n",
        "g,x\n1,a\n1,c\n",
        "g,x\n1,z\n1,b\n",
    ),
    "the first column repeats, the second is the key": (
        "g,name,v\n1,a,10\n1,b,20\n2,c,30\n",
        "g,name,v\n1,a,11\n1,b,20\n2,c,30\n",
        "g,name,v\n1,a,10\n1,b,20\n2,c,30\n3,d,40\n",
    ),
    "added on both sides (no base)": (
        None,
        "id,x\n1,a\n2,b\n",
        "id,x\n1,a\n3,c\n",
    ),
}


def _as(fmt: str, text: str) -> bytes:
    """A case's CSV text as ``fmt``; JSON lines keep numbers as numbers."""
    if fmt == "tsv":
        return text.replace(",", "\t").encode()
    if fmt == "csv":
        return text.encode()
    header, *lines = text.strip("\n").split("\n")
    cols = header.split(",")
    rows = [dict(zip(cols, (int(v) if v.isdigit() else v for v in line.split(",")),
                     strict=True)) for line in lines]  # fmt: skip
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _streamed(
    tmp: Path, fmt: str, sides: tuple[str | None, str, str]
) -> tuple[TableMerge, bytes | None]:
    paths = []
    for name, text in zip(("base", "ours", "theirs"), sides, strict=True):
        if text is None:
            paths.append(None)
            continue
        path = tmp / f"{name}.{fmt}"
        path.write_bytes(_as(fmt, text))
        paths.append(path)
    out = tmp / "merged"
    result = merge_table_files((paths[0], paths[1], paths[2]), out, fmt, tmp)  # type: ignore[arg-type]
    assert not (tmp / "rows.sqlite").exists()  # the spill file is gone
    return result, out.read_bytes() if out.exists() else None


@pytest.mark.parametrize("chunk", [1, 2, 50_000])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
@pytest.mark.parametrize("case", list(CASES))
def test_streamed_merge_matches_the_in_memory_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, fmt: str, chunk: int
) -> None:
    monkeypatch.setattr(stream, "CHUNK", chunk)  # rows read and written per chunk
    base, ours, theirs = CASES[case]
    whole = merge_table(_as(fmt, base) if base is not None else None, _as(fmt, ours),
                        _as(fmt, theirs), f"t.{fmt}")  # fmt: skip
    streamed, written = _streamed(tmp_path, fmt, (base, ours, theirs))
    assert (streamed.conflict, streamed.key, streamed.detail) == (
        whole.conflict, whole.key, whole.detail)  # fmt: skip
    assert streamed.rows == whole.rows
    assert written == whole.content


def test_expected_rows_of_a_clean_csv_merge(tmp_path: Path) -> None:
    result, written = _streamed(
        tmp_path, "csv", CASES["a column added on theirs, a row changed on ours"]
    )
    assert not result.conflict and result.key == ("id",)
    assert written == b"id,x,y,z\n1,a,10,p\n2,b,99,q\n3,c,30,r\n4,d,40,s\n"


def test_repository_merge_of_tsv_and_jsonl_streams_them(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    (tmp_path / "t.tsv").write_bytes(_as("tsv", BASE))
    (tmp_path / "t.jsonl").write_bytes(_as("jsonl", BASE))
    repo.snapshot(["t.tsv", "t.jsonl"], message="base")
    ours, theirs, _ = (CASES["appended on both, one row changed"][i] for i in (1, 2, 0))
    repo.switch("feature", create=True)
    for fmt in ("tsv", "jsonl"):
        (tmp_path / f"t.{fmt}").write_bytes(_as(fmt, theirs))
    repo.snapshot(message="feature")
    repo.switch("main")
    for fmt in ("tsv", "jsonl"):
        (tmp_path / f"t.{fmt}").write_bytes(_as(fmt, ours))
    repo.snapshot(message="main")
    result = repo.merge("feature")
    assert result.state == "merged"
    expected = "id,x,y\n1,a,10\n2,b,20\n3,C,30\n4,d,40\n5,e,50\n6,f,60\n"
    assert (tmp_path / "t.tsv").read_bytes() == _as("tsv", expected)
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        json.loads(line) for line in _as("jsonl", expected).decode().splitlines()
    ]
    assert repo.status().clean
    assert not [p for p in (tmp_path / ".mlversion").iterdir() if p.name.startswith("merge-")]


_PEAK = """
import resource, sys
from pathlib import Path
import pandas, pyarrow.csv  # imported before measuring: their size does not depend on the table
from jupyter_mlversion.core.merge.stream import merge_table_files
tmp = Path(sys.argv[1])
result = merge_table_files((tmp / "b.csv", tmp / "o.csv", tmp / "t.csv"), tmp / "m.csv", "csv", tmp)
assert not result.conflict, result.detail
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_mb(folder: Path, rows: int) -> tuple[float, float]:
    """(peak RSS in MB of a merge of three ``rows``-row CSVs, one side's size in MB)."""
    folder.mkdir()
    for name, changed in (("b", -1), ("o", 1), ("t", 2)):
        with (folder / f"{name}.csv").open("w") as f:
            f.write("id,name,value\n")
            for i in range(rows):
                f.write(f"{i},row-{i}-{'x' if i % 100 == changed else 'base'},{i * 7}\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_PEAK), str(folder)], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    with (folder / "m.csv").open() as f:
        assert sum(1 for _ in f) == rows + 1
    return int(done.stdout) / 1024, (folder / "o.csv").stat().st_size / 1e6


def test_memory_does_not_grow_with_the_table(tmp_path: Path) -> None:
    small, small_mb = _peak_mb(tmp_path / "small", 100_000)
    big, big_mb = _peak_mb(tmp_path / "big", 600_000)
    # The in-memory merge holds each side's bytes and frame: it grows by several times this.
    assert big - small < (big_mb - small_mb) / 2, (
        f"peak RSS {small:.0f} MB at {small_mb:.0f} MB a side, {big:.0f} MB at {big_mb:.0f} MB"
    )

"""Writers are captured as writes, never as reads: by literal path or by variable, new or over."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SETUP = "import numpy as np, pandas as pd, joblib\ndf = pd.DataFrame({'a': [1, 2, 3]})"
# name -> (statement writing to {path}, extension)
WRITERS = {
    "to_parquet": ("df.to_parquet({path})", "parquet"),
    "to_feather": ("df.to_feather({path})", "feather"),
    "to_csv": ("df.to_csv({path}, index=False)", "csv"),
    "np.save": ("np.save({path}, np.arange(4))", "npy"),
    "joblib.dump": ("joblib.dump({{'w': [1, 2]}}, {path})", "joblib"),
    "torch.save": ("torch.save({{'w': torch.zeros(3)}}, {path})", "pt"),
}


def lineage_of(shell) -> dict[str, object]:
    snap = shell.run("%mlversion commit -m 'written'").data.result.snapshot
    return {c.cell_id: c for c in snap.lineage}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_writer_is_a_write_by_literal_and_by_variable(shell, project: Path, writer: str) -> None:
    statement, ext = WRITERS[writer]
    setup = SETUP
    if writer == "torch.save":
        pytest.importorskip("torch")
        setup += "\nimport torch"
    (project / "out").mkdir()
    # The path held by a variable set in an earlier cell: the cell's source names no file.
    shell.run(f"{setup}\npath = 'out/by_variable.{ext}'", "setup")
    cells = {
        "literal-new": statement.format(path=repr(f"out/by_literal.{ext}")),
        "literal-over": statement.format(path=repr(f"out/by_literal.{ext}")),
        "variable-new": statement.format(path="path"),
        "variable-over": statement.format(path="path"),
    }
    for cell_id, source in cells.items():
        shell.run(source, cell_id)
    lineage = lineage_of(shell)
    for cell_id in cells:
        kind = cell_id.split("-")[0]
        record = lineage[cell_id]
        assert [w["path"] for w in record.writes] == [f"out/by_{kind}.{ext}"], (cell_id, record)
        assert record.reads == (), (cell_id, record.reads)


def test_their_readers_are_reads(shell, project: Path) -> None:
    names = ["t.parquet", "t.feather", "t.csv", "t.npy", "t.joblib"]
    write = "df.to_parquet(names[0]); df.to_feather(names[1]); df.to_csv(names[2])\n"
    write += "np.save(names[3], np.arange(3)); joblib.dump(1, names[4])"
    read = "pd.read_parquet(names[0]); pd.read_feather(names[1]); pd.read_csv(names[2])\n"
    read += "np.load(names[3]); joblib.load(names[4])"
    setup = SETUP
    if importlib.util.find_spec("torch") is not None:
        names.append("t.pt")
        setup += "\nimport torch"
        write += "; torch.save(1, names[5])"
        read += "; torch.load(names[5])"
    shell.run(f"{setup}\nnames = {names!r}", "setup")
    shell.run(write, "write")
    shell.run(read, "read")
    lineage = lineage_of(shell)
    assert sorted(w["path"] for w in lineage["write"].writes) == sorted(names)
    assert sorted(r["path"] for r in lineage["read"].reads) == sorted(names)
    assert lineage["read"].writes == () and lineage["write"].reads == ()


def test_a_cell_reading_and_rewriting_a_parquet_file_keeps_the_read_unattributed(
    shell, project: Path
) -> None:
    shell.run(f"{SETUP}\ntarget = 'table.parquet'\ndf.to_parquet(target)", "make")
    shell.run("old = pd.read_parquet(target)\npd.concat([old, old]).to_parquet(target)", "grow")
    record = lineage_of(shell)["grow"]
    assert [w["path"] for w in record.writes] == ["table.parquet"]
    (read,) = record.reads
    # The bytes it read are gone: the read names no version and says the file changed since.
    assert (read["path"], read["id"], read["changed_since"]) == ("table.parquet", None, True)


def test_native_stand_ins_keep_isinstance_and_are_removed_on_unload(shell) -> None:
    import pyarrow as pa

    from jupyter_mlversion.kernel import readers

    original = getattr(pa.OSFile, "__mlversion_original__", None)
    assert original is not None  # pandas' to_parquet reaches the stand-in
    with pa.input_stream(__file__) as native:  # an OSFile made in C++, not by the stand-in
        assert type(native) is original and isinstance(native, pa.OSFile)
    readers.uninstall()
    try:
        assert pa.OSFile is original
    finally:
        readers.install()

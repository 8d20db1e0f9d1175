"""The change log the Restorer appends to: bounded, ordered, one record per restore."""

from __future__ import annotations

from pathlib import Path

from jupyter_mlversion.core import changes
from jupyter_mlversion.core.layout import CHANGES_FILE, META_DIR
from jupyter_mlversion.core.repository import Repository


def test_each_restore_that_writes_appends_one_record(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.txt").write_text("b")
    first = repo.snapshot(["a.txt", "b.txt"], message="one").snapshot
    assert first is not None
    (tmp_path / "a.txt").write_text("two")
    (tmp_path / "c.txt").write_text("c")
    repo.snapshot(["c.txt"], message="two")
    log = tmp_path / META_DIR / CHANGES_FILE

    repo.restore(["a.txt"], to=first.id, dry_run=True)
    assert not log.exists()  # a preview writes nothing
    repo.restore(["a.txt"], to=first.id)
    repo.restore(["a.txt"], to=first.id)  # nothing changes: no record
    repo.checkout(first.id)  # deletes c.txt
    records = changes.read_records(log)
    assert [r["written"] for r in records] == [["a.txt"], []]
    assert records[1]["deleted"] == ["c.txt"]
    assert records[0]["source"] == first.id
    assert records[0]["seq"] < records[1]["seq"]


def test_the_log_stays_bounded_and_seq_keeps_growing(tmp_path: Path) -> None:
    meta = tmp_path / META_DIR
    meta.mkdir()
    many = [f"folder/file-{i:04d}.bin" for i in range(500)]
    seqs = []
    for _ in range(40):
        record = changes.append_change(meta, "f" * 40, many, [])
        assert record is not None
        assert len(record["written"]) == changes.MAX_PATHS and record["truncated"]
        seqs.append(record["seq"])
        assert (meta / CHANGES_FILE).stat().st_size <= changes.MAX_BYTES + (16 << 10)
    assert seqs == sorted(set(seqs))
    kept = changes.read_records(meta / CHANGES_FILE)
    assert kept[-1]["seq"] == seqs[-1] and len(kept) < 40
    # Deleting the log does not make seq start over.
    (meta / CHANGES_FILE).unlink()
    again = changes.append_change(meta, "f" * 40, ["x"], [])
    assert again is not None and again["seq"] > seqs[-1]


def test_a_branch_switch_is_recorded_like_a_restore(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    (tmp_path / "a.txt").write_text("main")
    repo.snapshot(["a.txt"], message="on main")
    repo.create_branch("exp")
    repo.switch("exp")
    (tmp_path / "a.txt").write_text("exp")
    repo.snapshot(message="on exp")
    log = tmp_path / META_DIR / CHANGES_FILE
    before = changes.read_records(log)
    repo.switch("main")
    after = changes.read_records(log)
    assert len(after) == len(before) + 1
    assert after[-1]["written"] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "main"

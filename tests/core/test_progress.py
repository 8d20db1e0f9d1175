"""Progress adds up: ``progress(done, total, label)`` in one unit, monotonic, ending at total."""

from __future__ import annotations

import os

import pytest

from jupyter_mlversion.core.progress import Meter, unit_of

BIG = 9 * 1024 * 1024 + 12_345  # several default-sized (1 MiB) chunks and a ragged tail


class Recorded:
    """A progress callback that keeps every report."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, str]] = []

    def __call__(self, done: int, total: int, label: str) -> None:
        self.calls.append((done, total, label))

    def assert_adds_up(self, total: int) -> None:
        assert self.calls, "no progress was reported"
        dones = [d for d, _, _ in self.calls]
        assert dones == sorted(dones), "done went back"
        assert all(t == total for _, t, _ in self.calls), {t for _, t, _ in self.calls}
        assert max(dones) <= total and dones[-1] == total


def test_snapshot_progress_counts_bytes_of_the_file(make_project) -> None:
    repo = make_project({"data/big.bin": os.urandom(BIG), "data/small.csv": "a,b\n1,2\n"})
    seen = Recorded()
    assert repo.snapshot(["data"], message="big", progress=seen).created
    seen.assert_adds_up(BIG + len("a,b\n1,2\n"))
    assert unit_of("snapshot") == "bytes"


def test_restore_progress_counts_bytes_of_the_files(make_project) -> None:
    data = os.urandom(BIG)
    repo = make_project({"big.bin": data})
    repo.snapshot(["big.bin"], message="one")
    (repo.root / "big.bin").write_bytes(b"changed")
    repo.snapshot(message="two")
    seen = Recorded()
    repo.restore([repo.root / "big.bin"], to="HEAD~1", progress=seen)
    assert (repo.root / "big.bin").read_bytes() == data
    seen.assert_adds_up(BIG)


def test_status_progress_counts_the_bytes_it_hashes(make_project) -> None:
    repo = make_project({"big.bin": os.urandom(BIG)})
    repo.snapshot(["big.bin"], message="one")
    (repo.root / "big.bin").write_bytes(os.urandom(BIG))
    seen = Recorded()
    assert [c.path for c in repo.status(progress=seen).changes] == ["big.bin"]
    seen.assert_adds_up(BIG)


def test_verify_counts_objects(make_project) -> None:
    repo = make_project({"big.bin": os.urandom(BIG), "a.txt": "one"})
    repo.snapshot(["big.bin", "a.txt"], message="one")
    seen = Recorded()
    report = repo.verify(progress=seen)
    assert report.ok and report.checked > 2  # chunks, a manifest and a small blob
    seen.assert_adds_up(report.checked)
    assert [d for d, _, _ in seen.calls] == list(range(1, report.checked + 1))
    assert unit_of("verify") == "objects"


def test_meter_holds_the_bar_when_a_file_is_read_again_or_grew() -> None:
    seen = Recorded()
    meter = Meter(seen, 100)
    step = meter.file("a")
    assert step is not None
    step(30)
    step(10)  # the file changed while it was read: the store reads it again from 0
    step(70)
    meter.finished(60, "a")  # it grew from 60 to 70 bytes since it was measured
    later = meter.file("b")
    assert later is not None
    later(50)
    meter.close()
    assert [d for d, _, _ in seen.calls] == [30, 30, 70, 70, 100, 100]
    seen.assert_adds_up(100)


@pytest.mark.parametrize("total", [0, 5])
def test_meter_without_a_callback_reports_nothing(total: int) -> None:
    meter = Meter(None, total)
    assert meter.file("x") is None
    meter.finished(total, "x")
    meter.close()
    assert meter.done == total

"""Run workloads W1-W6 of BENCHMARKS.md side by side with DVC, git and cp; print a table.

Run: ``python benchmarks/run.py [--quick] [--size-gib 1] [--runs 5] [--json out.json]``

Every tool runs as its own process on the same generated files in a scratch folder (removed at
the end), with a warm page cache and dirty pages flushed before each timing; each figure is the
median of ``--runs`` runs in which the tools take turns. Ratios are ours / peer.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import Dvc, Git, Mlversion, cp
from workloads import (
    MiB,
    Table,
    Timed,
    make_csv,
    make_random_file,
    make_small_files,
    median,
    overwrite_middle,
    settle,
    warm,
    write_appended,
    write_changed_block,
)


@dataclass
class Row:
    """One line of the result table."""

    workload: str
    measure: str
    ours: float
    peer: str
    peer_value: float | None
    ratio: float | None
    target: str
    passed: bool | None  # None: for information, no target
    unit: str = "s"


@dataclass
class Setup:
    scratch: Path
    data: Path
    runs: int
    big: Path
    small: Path
    table: Table
    ours: Mlversion
    dvc: Dvc | None
    git: Git


def _copy_big(setup: Setup, dest: Path) -> None:
    shutil.copyfile(setup.big, dest)


def _copy_small(setup: Setup, dest: Path) -> None:
    shutil.copytree(setup.small, dest)


def _turns(setup: Setup, jobs: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Run each job ``runs`` times, rotating who goes first; median seconds per job."""
    names = list(jobs)
    times: dict[str, list[float]] = {n: [] for n in names}
    for i in range(setup.runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(jobs[name]())
    return {n: median(v) for n, v in times.items()}


def _ratio_row(
    w: str, measure: str, ours: float, peer: str, value: float | None, limit: float | None
) -> Row:
    if value is None:
        return Row(w, measure, ours, peer, None, None, "-", None)
    ratio = ours / value if value else float("inf")
    passed = None if limit is None else ratio <= limit
    target = f"<= {limit}x" if limit is not None else "info"
    return Row(w, measure, ours, peer, value, ratio, target, passed)


# -- workloads ------------------------------------------------------------------
def w1(setup: Setup, rows: list[Row]) -> None:
    base = setup.scratch / "w1"
    base.mkdir()
    rss: list[float] = []
    counter = {"n": 0}

    def fresh(name: str) -> Path:
        counter["n"] += 1
        folder = base / f"{name}-{counter['n']}"
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def ours() -> float:
        d = fresh("ours")
        setup.ours.init(d)
        _copy_big(setup, d / "big.bin")
        settle()
        t = setup.ours.snapshot(d, "big.bin")
        rss.append(t.peak_rss_mib)
        shutil.rmtree(d)
        return t.seconds

    def dvc() -> float:
        assert setup.dvc is not None
        d = fresh("dvc")
        setup.dvc.init(d)
        _copy_big(setup, d / "big.bin")
        settle()
        t = setup.dvc.add(d, "big.bin")
        shutil.rmtree(d)
        return t.seconds

    def plain(sync: bool) -> Callable[[], float]:
        def job() -> float:
            dest = base / "copy.bin"
            dest.unlink(missing_ok=True)
            settle()
            took = cp(setup.big, dest, sync=sync).seconds
            dest.unlink()
            return took

        return job

    jobs = {"ours": ours, "cp": plain(False), "cp+sync": plain(True)}
    if setup.dvc:
        jobs["dvc"] = dvc
    t = _turns(setup, jobs)
    m = "first snapshot of a new big file"
    rows.append(_ratio_row("W1", m, t["ours"], "dvc add", t.get("dvc"), 0.3))
    rows.append(_ratio_row("W1", m, t["ours"], "cp", t["cp"], 1.3))
    rows.append(_ratio_row("W1", m, t["ours"], "cp + sync FILE", t["cp+sync"], None))
    peak = max(rss)
    rows.append(Row("W1", "peak RSS of the snapshot", peak, "-", None, None, "< 200 MiB",
                    peak < 200, "MiB"))  # fmt: skip


def w2(setup: Setup, rows: list[Row]) -> None:
    base = setup.scratch / "w2"
    base.mkdir()
    counter = {"n": 0}

    def prepared(name: str, init: Callable[[Path], None]) -> Path:
        counter["n"] += 1
        d = base / f"{name}-{counter['n']}"
        init(d)
        _copy_small(setup, d / "small")
        settle()
        return d

    def ours() -> float:
        d = prepared("ours", setup.ours.init)
        took = setup.ours.snapshot(d, "small").seconds
        shutil.rmtree(d)
        return took

    def dvc() -> float:
        assert setup.dvc is not None
        d = prepared("dvc", setup.dvc.init)
        took = setup.dvc.add(d, "small").seconds
        shutil.rmtree(d)
        return took

    def git() -> float:
        d = prepared("git", setup.git.init)
        took = setup.git.add(d, "small").seconds
        shutil.rmtree(d)
        return took

    jobs = {"ours": ours, "git": git}
    if setup.dvc:
        jobs["dvc"] = dvc
    t = _turns(setup, jobs)
    m = "first snapshot of many small files"
    rows.append(_ratio_row("W2", m, t["ours"], "dvc add", t.get("dvc"), 0.3))
    rows.append(_ratio_row("W2", m, t["ours"], "git add", t["git"], 1.5))


def w3_to_w6(setup: Setup, rows: list[Row]) -> None:
    """W3 on a project holding both, then W4 and W6 on its big file."""
    base = setup.scratch / "w3"
    ours_dir, dvc_dir, git_dir = base / "ours", base / "dvc", base / "git"
    setup.ours.init(ours_dir)
    _copy_big(setup, ours_dir / "big.bin")
    _copy_small(setup, ours_dir / "small")
    setup.ours.snapshot(ours_dir, "big.bin", "small")
    setup.git.init(git_dir)
    _copy_small(setup, git_dir / "small")
    setup.git.add(git_dir, "small")
    setup.git.commit(git_dir)
    if setup.dvc:
        setup.dvc.init(dvc_dir)
        _copy_big(setup, dvc_dir / "big.bin")
        _copy_small(setup, dvc_dir / "small")
        setup.dvc.add(dvc_dir, "big.bin", "small")
    settle()

    jobs: dict[str, Callable[[], float]] = {
        "ours": lambda: setup.ours.snapshot(ours_dir).seconds,
        "git": lambda: setup.git.status(git_dir).seconds,
    }
    if setup.dvc:
        dvc = setup.dvc
        jobs["dvc"] = lambda: dvc.status(dvc_dir).seconds
    for job in jobs.values():  # one untimed turn each: caches, stat info, pyc files
        job()
    t = _turns(setup, jobs)
    m = "snapshot again, nothing changed"
    rows.append(_ratio_row("W3", m, t["ours"], "dvc status", t.get("dvc"), 0.05))
    rows.append(_ratio_row("W3", m, t["ours"], "git status", t["git"], None))
    rows.append(Row("W3", m, t["ours"], "-", None, None, "< 0.1 s", t["ours"] < 0.1))

    w4(setup, rows, ours_dir, dvc_dir)
    w6(setup, rows, ours_dir, dvc_dir)


def _edit_and_time(
    folder: Path, stored: Callable[[], int], snap: Callable[[], Timed], value: int
) -> tuple[float, int]:
    overwrite_middle(folder / "big.bin", 100, value)
    warm(folder / "big.bin")
    settle()
    before = stored()
    took = snap().seconds
    return took, stored() - before


def w4(setup: Setup, rows: list[Row], ours_dir: Path, dvc_dir: Path) -> None:
    size = setup.big.stat().st_size
    setup.v0 = setup.ours.head(ours_dir)  # type: ignore[attr-defined]
    if setup.dvc:
        shutil.copyfile(dvc_dir / "big.bin.dvc", dvc_dir / "v0.saved")
    news: dict[str, list[int]] = {"ours": [], "dvc": []}
    value = [0x10]

    def ours() -> float:
        value[0] += 1
        took, new = _edit_and_time(
            ours_dir, lambda: setup.ours.stored(ours_dir),
            lambda: setup.ours.snapshot(ours_dir), value[0],
        )  # fmt: skip
        news["ours"].append(new)
        return took

    def dvc() -> float:
        assert setup.dvc is not None
        dvc_ = setup.dvc
        value[0] += 1
        took, new = _edit_and_time(
            dvc_dir, lambda: dvc_.stored(dvc_dir), lambda: dvc_.add(dvc_dir, "big.bin"), value[0]
        )
        news["dvc"].append(new)
        return took

    jobs = {"ours": ours}
    if setup.dvc:
        jobs["dvc"] = dvc
    t = _turns(setup, jobs)
    m = "100-byte overwrite in the big file"
    rows.append(_ratio_row("W4", m + ": time", t["ours"], "dvc add", t.get("dvc"), 0.2))
    ours_pct = 100 * median(news["ours"]) / size
    dvc_pct = 100 * median(news["dvc"]) / size if news["dvc"] else None
    rows.append(Row("W4", m + ": new stored bytes", ours_pct, "dvc add", dvc_pct, None,
                    "<= 0.2 %", ours_pct <= 0.2, "%"))  # fmt: skip
    setup.latest = setup.ours.head(ours_dir)  # type: ignore[attr-defined]
    if setup.dvc:
        shutil.copyfile(dvc_dir / "big.bin.dvc", dvc_dir / "latest.saved")


def w6(setup: Setup, rows: list[Row], ours_dir: Path, dvc_dir: Path) -> None:
    turn = {"ours": 0, "dvc": 0}
    copy = setup.scratch / "restore-peer.bin"

    def ours() -> float:
        turn["ours"] += 1
        to = setup.v0 if turn["ours"] % 2 else setup.latest  # type: ignore[attr-defined]
        settle()
        return setup.ours.restore(ours_dir, "big.bin", to).seconds

    def dvc() -> float:
        assert setup.dvc is not None
        turn["dvc"] += 1
        saved = "v0.saved" if turn["dvc"] % 2 else "latest.saved"
        shutil.copyfile(dvc_dir / saved, dvc_dir / "big.bin.dvc")
        settle()
        return setup.dvc.checkout(dvc_dir, "big.bin.dvc").seconds

    def plain(sync: bool) -> Callable[[], float]:
        def job() -> float:
            copy.unlink(missing_ok=True)
            settle()
            return cp(setup.big, copy, sync=sync).seconds

        return job

    jobs = {"ours": ours, "cp": plain(False), "cp+sync": plain(True)}
    if setup.dvc:
        jobs["dvc"] = dvc
    t = _turns(setup, jobs)
    m = "restore an earlier version of the big file"
    # BENCHMARKS.md: <= 1.3x `cp` + `sync` (a restore is durable when it returns) and <= 1.0x DVC.
    rows.append(_ratio_row("W6", m, t["ours"], "cp + sync FILE", t["cp+sync"], 1.3))
    rows.append(_ratio_row("W6", m, t["ours"], "dvc checkout", t.get("dvc"), 1.0))
    rows.append(_ratio_row("W6", m, t["ours"], "cp", t["cp"], None))
    copy.unlink(missing_ok=True)


def w5(setup: Setup, rows: list[Row]) -> None:
    base = setup.scratch / "w5"
    table = setup.table
    size = table.path.stat().st_size
    variants = {
        "a contiguous 1% block of rows changed": write_changed_block,
        "1% rows appended": write_appended,
    }
    tools: dict[str, tuple[Callable[[Path], object], Callable[[Path], int]]] = {
        "ours": (lambda d: setup.ours.snapshot(d, "table.csv"), setup.ours.stored),
    }
    if setup.dvc:
        dvc = setup.dvc
        tools["dvc"] = (lambda d: dvc.add(d, "table.csv"), dvc.stored)
    found: dict[str, dict[str, float]] = {v: {} for v in variants}
    for name, (snap, stored) in tools.items():
        d = base / name
        (setup.ours.init if name == "ours" else setup.dvc.init)(d)  # type: ignore[union-attr]
        shutil.copyfile(table.path, d / "table.csv")
        snap(d)
        for label, write in variants.items():
            tmp = d / "table.csv.new"
            write(table, tmp)
            tmp.replace(d / "table.csv")  # rewritten as a new file, as pandas' to_csv does
            before = stored(d)
            snap(d)
            found[label][name] = 100 * (stored(d) - before) / size
        shutil.rmtree(d)
    for label, pct in found.items():
        ours = pct["ours"]
        rows.append(Row("W5", f"{label}: new stored bytes", ours, "dvc add", pct.get("dvc"),
                        None, "<= 3 %", ours <= 3, "%"))  # fmt: skip


# -- output ---------------------------------------------------------------------
def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "%":
        return f"{value:.3f} %"
    return f"{value:.0f} {unit}"


def print_table(rows: list[Row]) -> None:
    head = ("id", "measure", "ours", "peer", "peer value", "ratio", "target", "result")
    lines = [head]
    for r in rows:
        result = "info" if r.passed is None else ("PASS" if r.passed else "MISS")
        lines.append((
            r.workload, r.measure, _fmt(r.ours, r.unit), r.peer, _fmt(r.peer_value, r.unit),
            "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target, result,
        ))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick = "128 MiB file, 2,000 small files, 64 MB CSV, 3 runs (a smoke test)"
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--size-gib", type=float, default=None, help="big file size (default 1)")
    parser.add_argument("--small-files", type=int, default=None)
    parser.add_argument("--csv-mb", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--only", default="W1,W2,W3,W4,W5,W6", help="comma-separated ids")
    parser.add_argument("--no-dvc", action="store_true", help="skip DVC even if installed")
    parser.add_argument("--mlversion", help="command to run mlversion (default: this checkout)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    big = int((args.size_gib or (0.125 if args.quick else 1.0)) * 1024) * MiB
    small = args.small_files or (2000 if args.quick else 10_000)
    csv_bytes = (args.csv_mb or (64 if args.quick else 500)) * 1_000_000
    runs = args.runs or (3 if args.quick else 5)
    only = {w.strip().upper() for w in args.only.split(",")}
    dvc = None if args.no_dvc else Dvc.find()
    ours = Mlversion(args.mlversion.split() if args.mlversion else [])

    args.scratch.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mlv-bench-", dir=args.scratch))
    started = time.perf_counter()
    rows: list[Row] = []
    try:
        data = scratch / "data"
        data.mkdir()
        print(f"generating data in {scratch} ...", file=sys.stderr)
        make_random_file(data / "big.bin", big)
        make_small_files(data / "small", small)
        table = make_csv(data / "table.csv", csv_bytes) if "W5" in only else None
        warm(data / "big.bin")
        if not args.mlversion:
            ours.use_pycache(scratch / "pycache")
        ours.warm_up(scratch / "warm-up")
        setup = Setup(scratch, data, runs, data / "big.bin", data / "small", table,  # type: ignore[arg-type]
                      ours, dvc, Git())  # fmt: skip
        steps: list[tuple[str, Callable[[Setup, list[Row]], None]]] = [
            ("W1", w1), ("W2", w2), ("W3", w3_to_w6), ("W5", w5),
        ]  # fmt: skip
        for wid, step in steps:
            if wid in only:
                print(f"running {wid}{'-W6' if wid == 'W3' else ''} ...", file=sys.stderr)
                step(setup, rows)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"\nbig file {big / MiB:.0f} MiB, {small:,} small files, CSV {csv_bytes / 1e6:.0f} MB; "
        f"median of {runs} alternating runs; DVC {'yes' if dvc else 'not installed'}; "
        f"{time.perf_counter() - started:.0f} s in all\n"
    )
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1) + "\n")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

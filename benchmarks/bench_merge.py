"""W15: merge two branches of a 500-cell notebook and of a large CSV (1% of rows changed per side).

Run: PYTHONPATH=. python benchmarks/bench_merge.py [--csv-mb 500] [--runs 3] [--scratch DIR]

Each merge runs as its own process (``mlversion merge``), timed and with its peak RSS (from
``wait4``), against peers measured in the same run on the same files: for the notebook nbdime's
``merge_notebooks`` on the three versions and ``git merge-file`` on their JSON text; for the table
``pandas.read_csv`` of the two changed CSVs. The merge is reset (``merge --abort`` or a fresh
branch pair) between runs. Exits 1 when the RSS target (300 MB) is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path

import nbformat
from bench_notebook_diff import make_notebook

ROOT = Path(__file__).resolve().parents[1]
RSS_TARGET_MB = 300


def _run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed")
    return took, usage.ru_maxrss / 1024


def _mlv(*args: str) -> list[str]:
    return [sys.executable, "-m", "jupyter_mlversion.cli.main", *args]


def _quiet(project: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_mlv(*args), cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)


def _write_csv(path: Path, rows: int, changed: Collection[int], appended: range, tag: str) -> None:
    with path.open("w") as out:
        out.write("id,name,value,score\n")
        for i in range(rows):
            mark = tag if i in changed else "base"
            out.write(f"{i},row-{i}-{mark},{i * 7 % 1000},{(i % 97) / 97:.6f}\n")
        for i in appended:
            out.write(f"{i},new-{tag}-{i},{i % 1000},0.5\n")


def _build(project: Path, rows: int) -> None:
    subprocess.run(_mlv("init"), cwd=project, check=True, stdout=subprocess.DEVNULL)
    nb = make_notebook()
    nbformat.write(nb, project / "nb.ipynb")
    _write_csv(project / "t.csv", rows, range(0), range(0), "base")
    for args in (["snapshot", "nb.ipynb", "t.csv", "-m", "base"], ["branch", "other"]):
        subprocess.run(_mlv(*args), cwd=project, check=True, stdout=subprocess.DEVNULL)
    step = max(rows // 100, 1)
    sides = {"other": (range(0, rows, 200)[: step // 2], "theirs"),
             "main": (range(100, rows, 200)[: step // 2], "ours")}  # fmt: skip
    for branch, (changed, tag) in sides.items():
        subprocess.run(_mlv("switch", branch), cwd=project, check=True, stdout=subprocess.DEVNULL)
        nb = nbformat.read(project / "nb.ipynb", as_version=4)
        first = 10 if tag == "theirs" else 20
        for i in range(first, first + 5):
            nb.cells[i].source += f"\n# edited on {tag}"
        nbformat.write(nb, project / "nb.ipynb")
        start = rows if tag == "theirs" else rows + step  # each side appends its own new ids
        _write_csv(project / "t.csv", rows, set(changed), range(start, start + step), tag)
        subprocess.run(_mlv("snapshot", "-m", tag), cwd=project, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=500.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", default=None)
    args = parser.parse_args(argv)
    rows = int(args.csv_mb * 1e6 / 40)  # about 40 bytes a row
    scratch = Path(tempfile.mkdtemp(prefix="w15-", dir=args.scratch))
    try:
        project = scratch / "p"
        project.mkdir()
        _build(project, rows)
        ours_t, ours_rss = [], []
        for run in range(args.runs):  # each run merges into a fresh branch at main's head
            _quiet(project, "branch", f"run-{run}", "main")
            _quiet(project, "switch", f"run-{run}")
            took, rss = _run(_mlv("merge", "other", "--key", "id"), project)
            ours_t.append(took)
            ours_rss.append(rss)
        _quiet(project, "switch", "main")
        peers = {
            "nbdime merge_notebooks": [sys.executable, "-c", _NBDIME],
            "pandas read of both CSVs": [sys.executable, "-c", _PANDAS],
        }
        (project / ".w15").mkdir()
        for name, branch in (("base", "main~1"), ("ours", "main"), ("theirs", "other")):
            for file in ("nb.ipynb", "t.csv"):
                subprocess.run(_mlv("restore", file, "--to", branch), cwd=project, check=True,
                               stdout=subprocess.DEVNULL)  # fmt: skip
                shutil.copy(project / file, project / ".w15" / f"{name}-{file}")
        _quiet(project, "restore", "--to", "main")
        merge_file = ["git", "merge-file", "-p", ".w15/ours-nb.ipynb", ".w15/base-nb.ipynb",
                      ".w15/theirs-nb.ipynb"]  # fmt: skip
        peers["git merge-file (notebook JSON)"] = merge_file
        peer_t = {k: [_run(cmd, project)[0] for _ in range(args.runs)] for k, cmd in peers.items()}
        ours = statistics.median(ours_t)
        print(f"W15 mlversion merge (notebook + {args.csv_mb:.0f} MB CSV): {ours:.2f} s, "
              f"peak RSS {max(ours_rss):.0f} MB (target < {RSS_TARGET_MB} MB)")  # fmt: skip
        for name, times in peer_t.items():
            peer = statistics.median(times)
            print(f"  {name}: {peer:.2f} s (ratio {ours / peer:.2f}x)")
        return 0 if max(ours_rss) < RSS_TARGET_MB else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_NBDIME = """
import nbformat
from nbdime.merging import merge_notebooks
b, o, t = (nbformat.read(f".w15/{n}-nb.ipynb", as_version=4) for n in ("base", "ours", "theirs"))
merge_notebooks(b, o, t)
"""
_PANDAS = """
import pandas as pd
pd.read_csv(".w15/ours-t.csv"); pd.read_csv(".w15/theirs-t.csv")
"""

if __name__ == "__main__":
    sys.exit(main())

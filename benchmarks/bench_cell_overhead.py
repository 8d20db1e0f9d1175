"""W9: per-cell capture overhead of the kernel extension over 200 cells reading unchanged files.

Run: ``PYTHONPATH=. python benchmarks/bench_cell_overhead.py [--runs 5] [--cells 200]``

Each run is a fresh process (audit hooks cannot be removed) holding a real IPython shell;
plain and captured runs alternate. A cell reads a small CSV with pandas and a Parquet file
with pyarrow, like a data-loading cell. Prints the median time per cell of each mode, the
overhead in ms per cell (target: under 5 ms) and the ratio to the plain shell.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, os, sys, time
from IPython.core.interactiveshell import InteractiveShell
root, mode, cells = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.chdir(root)
ip = InteractiveShell.instance()
if mode == "captured":
    ip.run_line_magic("load_ext", "jupyter_mlversion")
ip.run_cell("import pandas as pd, pyarrow.parquet as pq", store_history=True)
def run(i):
    src = f"df = pd.read_csv('data/f{i % 10}.csv')\nt = pq.read_table('data/p{i % 10}.parquet')"
    r = ip.run_cell(src, store_history=True, cell_id=f"cell-{i}")
    r.raise_error()
for i in range(20):  # warm up imports and caches
    run(i)
start = time.perf_counter()
for i in range(cells):
    run(i)
elapsed = time.perf_counter() - start
print(json.dumps({"mode": mode, "per_cell_ms": 1000 * elapsed / cells}))
"""


def make_project(root: Path) -> None:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jupyter_mlversion.core.repository import Repository

    Repository.init(root)
    (root / "data").mkdir()
    rng = np.random.default_rng(0)
    for i in range(10):
        pd.DataFrame(rng.normal(size=(1000, 5))).to_csv(root / f"data/f{i}.csv", index=False)
        pq.write_table(pa.table({"x": rng.normal(size=1000)}), root / f"data/p{i}.parquet")


def one(root: Path, mode: str, cells: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), mode, str(cells)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["per_cell_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cells", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_project(root)
        plain, captured = [], []
        for _ in range(args.runs):
            plain.append(one(root, "plain", args.cells))
            captured.append(one(root, "captured", args.cells))
        journal = sum(1 for f in (root / ".mlversion/journal").glob("*.jsonl") for _ in f.open())
    p, c = statistics.median(plain), statistics.median(captured)
    print(f"W9 per-cell capture overhead, {args.cells} cells x {args.runs} alternating runs")
    print(f"  plain shell     {p:8.3f} ms/cell   (runs: {', '.join(f'{x:.2f}' for x in plain)})")
    print(f"  with capture    {c:8.3f} ms/cell   (runs: {', '.join(f'{x:.2f}' for x in captured)})")
    print(
        f"  overhead        {c - p:8.3f} ms/cell   target < 5 ms: {'PASS' if c - p < 5 else 'FAIL'}"
    )
    print(f"  ratio           {c / p:8.3f}x plain   ({journal} journal lines written)")


if __name__ == "__main__":
    main()

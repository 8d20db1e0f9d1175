"""Run the fault-injection suite (tests/faults) and print its figures as a table.

    python benchmarks/soak.py            # the soak sizes: 200 MB file, 300 small files, 100 kills
    python benchmarks/soak.py --ci       # the CI sizes (a few minutes)

Extra arguments go to pytest (``-k restore``). The exit code is pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = ("tries", "kills", "acknowledged", "in_log", "lost", "checked_out", "torn", "failures")


def main(argv: list[str]) -> int:
    ci = "--ci" in argv
    extra = [a for a in argv if a != "--ci"]
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MLVERSION_FAULT_FIGURES": str(figures)}
        if not ci:
            env["MLVERSION_SOAK"] = "1"
        start = time.monotonic()
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "faults"), "-q",
               "-p", "no:cacheprovider", *extra]  # fmt: skip
        code = subprocess.run(cmd, env=env, cwd=ROOT, check=False).returncode
        rows = (
            [json.loads(line) for line in figures.read_text().splitlines()]
            if figures.exists()
            else []
        )
    print(f"\nfault-injection figures, {'CI' if ci else 'soak'} size, "
          f"{time.strftime('%Y-%m-%d')}, {time.monotonic() - start:.0f} s")  # fmt: skip
    print("| check | " + " | ".join(SHOWN) + " |")
    print("| --- " * (len(SHOWN) + 1) + "|")
    for row in rows:
        cells = [str(row.get(k, "")) for k in SHOWN]
        print(f"| {row['test']} | " + " | ".join(cells) + " |")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

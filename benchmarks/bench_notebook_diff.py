"""W8: diff two versions of a 500-cell notebook with 50 PNG outputs, 5 cells changed.

Run: PYTHONPATH=. python benchmarks/bench_notebook_diff.py [--runs 5]

Times jupyter_mlversion's notebook diff against nbdime's ``diff_notebooks`` on the same pair,
alternating the two, and prints the medians and the ratio with the targets (under 300 ms and
<= 0.2x nbdime). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import base64
import copy
import random
import statistics
import struct
import sys
import time
import zlib
from typing import Any

import nbdime
import nbformat

from jupyter_mlversion.core.diffs.notebook import diff_notebooks_fast

CELLS = 500
IMAGES = 50
CHANGED = 5


def make_png(rng: random.Random, width: int = 120, height: int = 100) -> bytes:
    """A valid RGB PNG of noisy pixels (noise keeps it at ~35 KB after deflate)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def make_notebook(seed: int = 8) -> dict[str, Any]:
    """500 cells (code and markdown), every 10th code cell with a PNG and a text output."""
    rng = random.Random(seed)
    nb = nbformat.v4.new_notebook()
    for i in range(CELLS):
        if i % 5 == 4:
            cell = nbformat.v4.new_markdown_cell(f"## Section {i}\n\nNotes on step {i}.")
            cell.id = f"cell-{i}"  # the two versions of one notebook share cell ids
            nb.cells.append(cell)
            continue
        source = "\n".join(f"value_{i}_{k} = compute({i}, {k})" for k in range(rng.randint(2, 12)))
        cell = nbformat.v4.new_code_cell(source, execution_count=i + 1)
        cell.id = f"cell-{i}"
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"done {i}\n")]
        if i % 10 == 0:
            png = base64.b64encode(make_png(rng)).decode("ascii")
            cell.outputs.append(
                nbformat.v4.new_output(
                    "display_data", data={"image/png": png, "text/plain": "<Figure>"}
                )
            )
        nb.cells.append(cell)
    return nbformat.from_dict(nb)


def change(nb: dict[str, Any], seed: int = 9) -> dict[str, Any]:
    """Copy of ``nb`` with 5 cells changed: 3 edited sources, 1 new image, 1 new output text."""
    rng = random.Random(seed)
    new = copy.deepcopy(nb)
    cells = new["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for i in (code[37], code[150], code[333]):
        cells[i]["source"] += "\nprint('changed')"
    with_image = next(i for i in code[200:] if len(cells[i]["outputs"]) == 2)
    cells[with_image]["outputs"][1]["data"]["image/png"] = base64.b64encode(make_png(rng)).decode(
        "ascii"
    )
    cells[code[-3]]["outputs"][0]["text"] = "done differently\n"
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    old, new = make_notebook(), change(make_notebook())
    size = len(nbformat.writes(nbformat.from_dict(old)))
    print(f"W8 notebook: {CELLS} cells, {IMAGES} PNGs, {size / 1e6:.1f} MB, {CHANGED} changed")

    ours: list[float] = []
    peer: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = diff_notebooks_fast(old, new)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        nbdime.diff_notebooks(old, new)
        peer.append(time.perf_counter() - start)

    touched = len(result["summary"]["modified"]) + len(result["summary"]["added"])
    ours_ms, peer_ms = statistics.median(ours) * 1e3, statistics.median(peer) * 1e3
    ratio = ours_ms / peer_ms
    print(f"cells reported changed: {touched}")
    print(f"jupyter_mlversion: {ours_ms:8.1f} ms (median of {args.runs})")
    print(f"nbdime diff_notebooks: {peer_ms:8.1f} ms (median of {args.runs})")
    ok_time, ok_ratio = ours_ms < 300, ratio <= 0.2
    print(f"ratio: {ratio:.3f}x nbdime (target <= 0.2x: {'met' if ok_ratio else 'MISSED'})")
    print(f"absolute: {ours_ms:.1f} ms (target < 300 ms: {'met' if ok_time else 'MISSED'})")
    return 0 if ok_time and ok_ratio else 1


if __name__ == "__main__":
    sys.exit(main())

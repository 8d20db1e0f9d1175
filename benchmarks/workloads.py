"""Generated data and measuring helpers for the W1-W6 benchmark runner (``run.py``).

Everything is written under one scratch folder: a random binary file, a folder of small files and
a CSV table, all deterministic for a given size so reruns measure the same bytes.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MiB = 1 << 20


@dataclass(frozen=True)
class Timed:
    """One process run: wall seconds and the child's peak resident memory."""

    seconds: float
    peak_rss_mib: float


def run_timed(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    """Run ``cmd`` to completion; its wall time and peak RSS (from ``wait4``), error if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd} ({proc.returncode}): {err[-2000:]}")
    return Timed(took, usage.ru_maxrss / 1024)


def run_quiet(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run an untimed setup command; its stdout, error if it fails."""
    done = subprocess.run(list(cmd), check=False, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}: {done.stderr[-2000:]}")
    return done.stdout


def settle() -> None:
    """Flush dirty pages left by setup so they are not written back during the next timing."""
    os.sync()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def tree_bytes(root: Path) -> int:
    """Bytes of every regular file under ``root`` (0 if it does not exist)."""
    total = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                continue
    return total


def warm(path: Path) -> None:
    """Read a file (or every file under a folder) so the page cache holds it."""
    paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.read(16 * MiB):
                pass


def make_random_file(path: Path, size: int, seed: int = 1) -> None:
    """``size`` pseudo-random (incompressible) bytes at ``path``, reused if already there."""
    if path.exists() and path.stat().st_size == size:
        return
    rnd = random.Random(seed)
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as f:
        left = size
        while left:
            n = min(8 * MiB, left)
            f.write(rnd.randbytes(n))
            left -= n
    tmp.replace(path)


def make_small_files(folder: Path, count: int, size: int = 200, seed: int = 2) -> None:
    """``count`` files of about ``size`` bytes each, 100 per subfolder, reused if present."""
    marker = folder.parent / f".{folder.name}-{count}.complete"
    if marker.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    rnd = random.Random(seed)
    for i in range(count):
        sub = folder / f"d{i // 100:03d}"
        if i % 100 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        body = rnd.randbytes(size // 2).hex()[: size - 1] + "\n"
        (sub / f"f{i:05d}.txt").write_text(body, encoding="ascii")
    marker.write_text("", encoding="ascii")


def _rows(rnd: random.Random, first: int, count: int) -> str:
    cats = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
    return "".join(
        f"{i},{rnd.random():.9f},{rnd.random() * 1000:.6f},{rnd.randrange(10**12)},"
        f"{cats[rnd.randrange(6)]},{rnd.random():.12f}\n"
        for i in range(first, first + count)
    )


@dataclass(frozen=True)
class Table:
    """A generated CSV: its path, row count and the byte offset where each 1% block starts."""

    path: Path
    rows: int
    block_start: int  # byte offset of the first row of the changed block
    block_end: int  # byte offset just after its last row
    block_rows: tuple[int, int]


def make_csv(path: Path, size: int, seed: int = 3) -> Table:
    """A CSV of about ``size`` bytes; remembers where the middle 1% block of rows lies."""
    rnd = random.Random(seed)
    approx_rows = max(100, size // 72)
    first, last = approx_rows // 2, approx_rows // 2 + approx_rows // 100
    header = "id,x,y,key,category,z\n"
    offsets: dict[int, int] = {}
    with open(path, "w", encoding="ascii", newline="") as f:
        f.write(header)
        written = len(header)
        row = 0
        batch = 10_000
        while row < approx_rows:
            if row in (first, last):
                offsets[row] = written
            n = min(batch, approx_rows - row)
            # Stop a batch at a block boundary so the boundary's byte offset is known.
            n = min([n] + [m - row for m in (first, last) if m > row])
            text = _rows(rnd, row, n)
            f.write(text)
            written += len(text)
            row += n
    return Table(path, approx_rows, offsets[first], offsets[last], (first, last))


def write_changed_block(table: Table, out: Path, seed: int = 4) -> None:
    """``out``: the table with its middle 1% block of rows given new values."""
    rnd = random.Random(seed)
    first, last = table.block_rows
    with open(table.path, "rb") as src, open(out, "wb") as dst:
        _copy_range(src, dst, table.block_start)
        dst.write(_rows(rnd, first, last - first).encode())
        src.seek(table.block_end)
        shutil.copyfileobj(src, dst, 8 * MiB)


def write_appended(table: Table, out: Path, seed: int = 5) -> None:
    """``out``: the table with 1% more rows appended."""
    rnd = random.Random(seed)
    shutil.copyfile(table.path, out)
    with open(out, "ab") as dst:
        dst.write(_rows(rnd, table.rows, table.rows // 100).encode())


def _copy_range(src: object, dst: object, length: int) -> None:
    left = length
    while left:
        block = src.read(min(8 * MiB, left))  # type: ignore[attr-defined]
        if not block:
            break
        dst.write(block)  # type: ignore[attr-defined]
        left -= len(block)


def overwrite_middle(path: Path, nbytes: int, value: int) -> None:
    """Overwrite ``nbytes`` bytes in the middle of ``path`` in place (mtime moves)."""
    if not os.access(path, os.W_OK):
        path.chmod(0o644)
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        f.write(bytes([value & 0xFF]) * nbytes)

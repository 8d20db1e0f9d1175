"""Benchmark the object store against `cp` on a large random file (W1, W4, W6).

Run: ``PYTHONPATH=. python benchmarks/bench_store.py [--file PATH] [--size-mib 1024] [--runs 5]``

Prints medians of ``--runs`` alternating runs as ratios to `cp` measured in the same run, the new
bytes stored after a 100-byte overwrite in the middle, and peak RSS. The measuring functions are
importable for the combined benchmark runner.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jupyter_mlversion.core.store import ObjectStore


def make_random_file(path: Path, size: int) -> None:
    """Write ``size`` random bytes to ``path`` unless a file of that size is already there."""
    if path.exists() and path.stat().st_size == size:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    block = 8 << 20
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(block, left)
            f.write(os.urandom(n))
            left -= n


def warm(path: Path) -> None:
    """Read a file once so every run starts from a warm page cache."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def time_cp(src: Path, dest: Path) -> float:
    """Seconds `cp` takes to copy ``src`` to ``dest`` (dest removed first)."""
    dest.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(["cp", str(src), str(dest)], check=True)
    return time.perf_counter() - start


def time_put(store_root: Path, src: Path) -> tuple[float, str]:
    """Seconds to put ``src`` into a fresh store at ``store_root``; returns (seconds, id)."""
    shutil.rmtree(store_root, ignore_errors=True)
    store = ObjectStore(store_root)
    start = time.perf_counter()
    oid, _ = store.put_file(src)
    took = time.perf_counter() - start
    store.close()
    return took, oid


def stored_bytes(root: Path) -> int:
    """Bytes of every file under a store root."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def edit_and_put(store_root: Path, src: Path, edited: Path) -> tuple[float, int]:
    """Copy ``src``, overwrite 100 bytes in its middle, put it; returns (seconds, new stored bytes).

    ``store_root`` must already hold ``src``.
    """
    shutil.copyfile(src, edited)
    with open(edited, "r+b") as f:
        f.seek(edited.stat().st_size // 2)
        f.write(b"\xa5" * 100)
    warm(edited)
    before = stored_bytes(store_root)
    store = ObjectStore(store_root)
    start = time.perf_counter()
    store.put_file(edited)
    took = time.perf_counter() - start
    store.close()
    return took, stored_bytes(store_root) - before


def time_restore(store_root: Path, oid: str, dest: Path) -> float:
    """Seconds to restore ``oid`` from the store to ``dest`` (dest removed first)."""
    dest.unlink(missing_ok=True)
    store = ObjectStore(store_root)
    start = time.perf_counter()
    store.restore_to(oid, dest)
    took = time.perf_counter() - start
    store.close()
    return took


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_of(runs: int, fn: Callable[[], float]) -> float:
    """Median of ``runs`` calls of ``fn``."""
    return statistics.median(fn() for _ in range(runs))


def run(path: Path, size: int, runs: int) -> dict[str, float]:
    """Run every measurement; returns the figures by name."""
    make_random_file(path, size)
    warm(path)
    work = Path(tempfile.mkdtemp(prefix="mlv-bench-", dir=path.parent))
    store_root = work / "objects"
    copy = work / "copy.bin"
    try:
        cp_times: list[float] = []
        put_times: list[float] = []
        oid = ""
        for _ in range(runs):  # alternate the peer and us so drift hits both
            cp_times.append(time_cp(path, copy))
            took, oid = time_put(store_root, path)
            put_times.append(took)
        copy.unlink(missing_ok=True)
        edit_took, new_bytes = edit_and_put(store_root, path, work / "edited.bin")
        (work / "edited.bin").unlink()
        restore_times: list[float] = []
        cp2_times: list[float] = []
        for _ in range(runs):
            cp2_times.append(time_cp(path, copy))
            restore_times.append(time_restore(store_root, oid, work / "restored.bin"))
        cp = statistics.median(cp_times)
        cp2 = statistics.median(cp2_times)
        put = statistics.median(put_times)
        restore = statistics.median(restore_times)
        return {
            "size_bytes": size,
            "cp_s": cp,
            "put_s": put,
            "put_vs_cp": put / cp,
            "edit_put_s": edit_took,
            "edit_new_bytes": new_bytes,
            "edit_new_pct": 100 * new_bytes / size,
            "cp_restore_peer_s": cp2,
            "restore_s": restore,
            "restore_vs_cp": restore / cp2,
            "peak_rss_mib": peak_rss_mib(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=Path("/tmp/mlv-bench/big.bin"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = run(args.file, args.size_mib << 20, args.runs)
    print(f"file: {args.file} ({args.size_mib} MiB), median of {args.runs} runs")
    print(
        f"W1 put_file   {figures['put_s']:.2f} s   cp {figures['cp_s']:.2f} s   "
        f"ratio {figures['put_vs_cp']:.2f}x (target <= 1.3x)"
    )
    print(
        f"W4 100-byte edit  put {figures['edit_put_s']:.2f} s   new bytes "
        f"{figures['edit_new_bytes']:,.0f} ({figures['edit_new_pct']:.3f}% of file; target <= 0.2%)"
    )
    print(
        f"W6 restore_to {figures['restore_s']:.2f} s   cp {figures['cp_restore_peer_s']:.2f} s   "
        f"ratio {figures['restore_vs_cp']:.2f}x (target <= 1.3x)"
    )
    print(f"peak RSS {figures['peak_rss_mib']:.0f} MiB (target < 200 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

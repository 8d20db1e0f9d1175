"""Helpers shared by the object-store tests."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from jupyter_mlversion.core.atomic import TEMP_PREFIX


def random_file(path: Path, size: int, seed: int = 0) -> bytes:
    """Write ``size`` pseudo-random (incompressible) bytes and return them."""
    import random

    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data


def csv_bytes(rows: int, seed: int = 0, start: int = 0) -> bytes:
    """Compressible CSV text, one row per line."""
    import random

    rng = random.Random(seed)
    lines = [
        f"{i},{rng.randint(0, 10**6)},{rng.random():.6f},label_{rng.randint(0, 9)}\n"
        for i in range(start, start + rows)
    ]
    return "".join(lines).encode()


def stored_bytes(root: Path) -> int:
    """Bytes of every file under a store root."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def temp_files(root: Path) -> list[Path]:
    """Temp files left anywhere under ``root``."""
    return list(root.rglob(f"{TEMP_PREFIX}*"))


def flip_byte(path: Path, offset: int) -> None:
    """Corrupt one byte of a (read-only) stored file in place."""
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))


def run_in_threads(work: Callable[[int], None], count: int) -> list[BaseException]:
    """Run ``work(0..count-1)`` on that many threads at once; what they raised, for the
    calling test to assert on in its own thread."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors

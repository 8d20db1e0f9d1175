"""Shared helpers of the fault-injection suite: real projects, the real CLI, real kills.

Sizes come from ``MLVERSION_SOAK``: unset, every test fits CI (the suite in a few minutes on
2 cores); ``MLVERSION_SOAK=1`` runs the soak sizes of the issue (a 200 MB file, hundreds of small
files, at least 100 kills). Each test records its figures with :func:`record`; they are printed
at once (visible with ``pytest -s``), summed up at the end of the run, and appended as JSON lines
to ``$MLVERSION_FAULT_FIGURES`` when that is set (``benchmarks/soak.py`` reads them).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
SOAK = os.environ.get("MLVERSION_SOAK") == "1"
TEMP_PREFIXES = (".mlversion-tmp-", ".tmp-")
META = ".mlversion"


@dataclass(frozen=True)
class Sizes:
    big: int  # bytes of the large file
    smalls: int  # how many small files
    kill_rounds: int  # kill -9 iterations during snapshot
    restore_kills: int  # kill -9 iterations during restore
    writers: int
    per_writer: int  # snapshots each concurrent writer takes
    budget: float  # seconds a looping test may spend before it stops adding tries


CI = Sizes(big=4 << 20, smalls=40, kill_rounds=10, restore_kills=8, writers=8, per_writer=4,
           budget=45.0)  # fmt: skip
SOAK_SIZES = Sizes(big=200_000_000, smalls=300, kill_rounds=100, restore_kills=40, writers=8,
                   per_writer=25, budget=1500.0)  # fmt: skip
SIZES = SOAK_SIZES if SOAK else CI

FIGURES: list[dict[str, Any]] = []


def record(test: str, **figures: Any) -> None:
    """Print one test's figures and keep them for the end-of-run summary."""
    row = {"test": test, "size": "soak" if SOAK else "ci", **figures}
    FIGURES.append(row)
    print(f"\n[faults] {test}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    target = os.environ.get("MLVERSION_FAULT_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(row, sort_keys=True) + "\n")


# -- the command line ----------------------------------------------------------
def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jupyter_mlversion.cli.main", *args]


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTERHUB_USER": "tester", **extra}


def mlv(cwd: Path, *args: str, timeout: float = 120, env: Mapping[str, str] | None = None):
    """Run ``mlversion ARGS`` in ``cwd``; returns the CompletedProcess (text)."""
    return subprocess.run(
        cli_command(*args), cwd=cwd, env=dict(env or cli_env()), capture_output=True,
        text=True, timeout=timeout, errors="replace",
    )  # fmt: skip


def mlv_json(cwd: Path, *args: str, **kwargs: Any) -> dict[str, Any]:
    """Run a command that must succeed and return its JSON answer."""
    out = mlv(cwd, *args, "--json", **kwargs)
    assert out.returncode == 0, f"mlversion {' '.join(args)}: {out.returncode} {out.stderr}"
    return json.loads(out.stdout)


def clean_failure(out: subprocess.CompletedProcess[str], codes: tuple[int, ...] = (1, 2, 3)):
    """Why ``out`` is not a clean failure (exit 1/2/3, one ``mlversion: `` line), or None."""
    lines = out.stderr.strip().splitlines()
    if "Traceback" in out.stderr:
        return f"traceback (exit {out.returncode}): {out.stderr.strip()[-400:]}"
    if out.returncode not in codes:
        return f"exit {out.returncode}, wanted one of {codes}: {out.stderr.strip()[:300]}"
    if out.returncode != 3 and (len(lines) != 1 or not lines[0].startswith("mlversion: ")):
        return f"stderr is not one 'mlversion: ' line: {out.stderr.strip()[:300]!r}"
    return None


def kill_at(argv: list[str], cwd: Path, delay: float, env: Mapping[str, str] | None = None):
    """Start ``argv``; SIGKILL it after ``delay`` s. Returns (killed, CompletedProcess or None)."""
    proc = subprocess.Popen(argv, cwd=cwd, env=dict(env or cli_env()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True, None
    return False, subprocess.CompletedProcess(argv, proc.returncode, out, err)


# -- content and checks ----------------------------------------------------------
def blob(seed: str, size: int) -> bytes:
    """Deterministic incompressible bytes."""
    return random.Random(seed).randbytes(size)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(1 << 20):
            h.update(piece)
    return h.hexdigest()


def litter(*roots: Path) -> list[str]:
    """Temp files (ours or the legacy ``.tmp-`` ones) anywhere under ``roots``."""
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            found += [os.path.join(folder, n) for n in dirs + files if n.startswith(TEMP_PREFIXES)]
    return sorted(found)


def worktree(root: Path) -> dict[str, Path]:
    """Every file of the working tree (not ``.mlversion/``), by path relative to ``root``."""
    out = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root and META in dirs:
            dirs.remove(META)
        for name in files:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = path
    return out


def scratch_copy(root: Path, dest: Path, store: Path | None = None) -> tuple[Path, dict[str, str]]:
    """A project sharing ``root``'s history and objects, with an empty working tree.

    History, config and tracked set are copied (small); objects are reached through
    ``MLVERSION_STORE``, so even the soak's 200 MB versions are never copied.
    """
    dest.mkdir(parents=True)
    top = str(root / META)
    shutil.copytree(root / META, dest / META,
                    ignore=lambda d, names: _not_copied(d == top, names))  # fmt: skip
    return dest, cli_env(MLVERSION_STORE=str(store or root / META / "objects"))


def _not_copied(top: bool, names: list[str]) -> set[str]:
    skip = {n for n in names if n.startswith(TEMP_PREFIXES)}
    return skip | ({"objects", "lock"} & set(names) if top else set())


def check_every_snapshot(
    root: Path,
    scratch: Path,
    expected: Callable[[dict[str, Any]], Mapping[str, str]],
    store: Path | None = None,
) -> tuple[int, list[str]]:
    """Check out every snapshot of the log, oldest first, into a scratch copy and compare.

    ``expected(snapshot)`` gives ``{path: sha256}`` of exactly the files it must hold. Returns
    (snapshots checked, problems). After the last (HEAD) checkout, status must be clean.
    """
    problems: list[str] = []
    work, env = scratch_copy(root, scratch, store)
    snaps = mlv_json(root, "log", env=env)["snapshots"][::-1]
    for snap in snaps:
        out = mlv(work, "checkout", snap["id"], "--json", env=env, timeout=600)
        if out.returncode != 0:
            problems.append(f"checkout {snap['short_id']}: {out.stderr.strip()[:300]}")
            continue
        want = expected(snap)
        have = worktree(work)
        if set(have) != set(want):
            extra, lacking = sorted(set(have) - set(want)), sorted(set(want) - set(have))
            problems.append(
                f"checkout {snap['short_id']}: extra {extra[:5]}, lacking {lacking[:5]}"
            )
        bad = [p for p in set(have) & set(want) if file_digest(have[p]) != want[p]]
        if bad:
            problems.append(
                f"checkout {snap['short_id']} ({snap['message']}): wrong bytes in {bad[:5]}"
            )
    if snaps:
        status = mlv(work, "status", "--json", env=env)
        if status.returncode != 0 or not json.loads(status.stdout)["clean"]:
            problems.append(f"status after checking out HEAD is not clean: {status.stdout[:300]}")
    problems += [f"litter: {p}" for p in litter(work)]
    return len(snaps), problems


def verify_ok(root: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """Problems ``verify`` and ``git fsck`` of the history find (none when healthy)."""
    problems = []
    out = mlv(root, "verify", "--json", env=env, timeout=600)
    if out.returncode != 0:
        problems.append(f"verify: exit {out.returncode} {out.stdout[-300:]} {out.stderr[-300:]}")
    fsck = subprocess.run(["git", "--git-dir", str(root / META / "history.git"), "fsck"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    if fsck.returncode != 0:
        problems.append(f"git fsck: {fsck.stdout[-300:]} {fsck.stderr[-300:]}")
    return problems


def init_project(root: Path, small_chunks: bool = True) -> Path:
    """``mlversion init`` in ``root``; small chunks so the CI-size files span many chunks."""
    root.mkdir(parents=True, exist_ok=True)
    out = mlv(root, "init")
    assert out.returncode == 0, out.stderr
    if small_chunks:
        config = root / META / "config.toml"
        text = config.read_text()
        for key, value in (("min", 16384), ("avg", 65536), ("max", 262144)):
            old = next(line for line in text.splitlines() if line.startswith(f"chunk_{key} ="))
            text = text.replace(old, f"chunk_{key} = {value}")
        config.write_text(text)
    return root


class Deadline:
    """A loop's time budget: ``SIZES.budget`` seconds unless told otherwise."""

    def __init__(self, seconds: float | None = None) -> None:
        self.end = time.monotonic() + (SIZES.budget if seconds is None else seconds)

    def over(self) -> bool:
        return time.monotonic() > self.end

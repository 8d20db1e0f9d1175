"""The tools compared, each driven as a separate process: mlversion, DVC, git and cp."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from workloads import Timed, run_quiet, run_timed, tree_bytes

REPO = Path(__file__).resolve().parent.parent


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Installed packages have their bytecode compiled; without this every run of a Python tool
    # would recompile whatever is not (our checkout, for one) and measure the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "DVC_NO_ANALYTICS": "1",
            "DVC_NO_UPDATER": "1",
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        }
    )
    env.update(extra or {})
    return env


@dataclass
class Mlversion:
    """Our command line, run as a process like every peer."""

    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.command:
            self.command = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
            path = os.environ.get("PYTHONPATH", "")
            self.env = _env({"PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO)})
        else:
            self.env = _env()

    def use_pycache(self, folder: Path) -> None:
        """Keep compiled bytecode of the checkout in ``folder`` (not in the source tree)."""
        self.env["PYTHONPYCACHEPREFIX"] = str(folder)

    def warm_up(self, folder: Path) -> None:
        """One untimed init + snapshot, so bytecode is compiled before anything is timed."""
        self.init(folder)
        (folder / "warm.bin").write_bytes(os.urandom(3 << 20))
        (folder / "warm.txt").write_text("warm\n")
        run_quiet([*self.command, "snapshot", "warm.bin", "warm.txt"], folder, self.env)
        run_quiet([*self.command, "snapshot"], folder, self.env)
        run_quiet([*self.command, "log", "-n", "1", "--json"], folder, self.env)
        shutil.rmtree(folder)

    def init(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        run_quiet([*self.command, "init"], folder, self.env)

    def snapshot(self, folder: Path, *paths: str) -> Timed:
        return run_timed([*self.command, "snapshot", *paths, "-m", "bench"], folder, self.env)

    def restore(self, folder: Path, path: str, to: str) -> Timed:
        return run_timed([*self.command, "restore", path, "--to", to], folder, self.env)

    def head(self, folder: Path) -> str:
        out = json.loads(run_quiet([*self.command, "log", "-n", "1", "--json"], folder, self.env))
        return str(out["snapshots"][0]["id"])

    def stored(self, folder: Path) -> int:
        return tree_bytes(folder / ".mlversion" / "objects")


@dataclass
class Dvc:
    """DVC without git (``dvc init --no-scm``), analytics off."""

    exe: str

    @classmethod
    def find(cls) -> Dvc | None:
        beside = Path(sys.executable).parent / "dvc"
        exe = str(beside) if beside.exists() else shutil.which("dvc")
        return cls(exe) if exe else None

    def init(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        run_quiet([self.exe, "init", "--no-scm", "-q"], folder, _env())
        run_quiet([self.exe, "config", "core.analytics", "false"], folder, _env())

    def add(self, folder: Path, *paths: str) -> Timed:
        return run_timed([self.exe, "add", "-q", *paths], folder, _env())

    def status(self, folder: Path) -> Timed:
        return run_timed([self.exe, "status", "-q"], folder, _env())

    def checkout(self, folder: Path, target: str) -> Timed:
        return run_timed([self.exe, "checkout", "-q", target], folder, _env())

    def stored(self, folder: Path) -> int:
        return tree_bytes(folder / ".dvc" / "cache")


class Git:
    """Plain git on the same files."""

    def init(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        run_quiet(["git", "init", "-q"], folder, _env())

    def add(self, folder: Path, *paths: str) -> Timed:
        return run_timed(["git", "add", *paths], folder, _env())

    def commit(self, folder: Path) -> None:
        run_quiet(["git", "commit", "-q", "-m", "bench"], folder, _env())

    def status(self, folder: Path) -> Timed:
        return run_timed(["git", "status", "--porcelain"], folder, _env())


def cp(src: Path, dest: Path, *, sync: bool = False) -> Timed:
    """``cp`` (and with ``sync``, ``sync FILE`` after it, timed together) into a fresh ``dest``."""
    dest.unlink(missing_ok=True)
    first = run_timed(["cp", str(src), str(dest)], dest.parent)
    if not sync:
        return first
    second = run_timed(["sync", str(dest)], dest.parent)
    return Timed(first.seconds + second.seconds, max(first.peak_rss_mib, second.peak_rss_mib))

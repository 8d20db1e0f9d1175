"""One project on a shared volume: 8 system users of one group, 25 snapshots each, at once.

    sudo python benchmarks/shared_volume.py              # 8 users x 25 snapshots
    sudo python benchmarks/shared_volume.py --users 4 --snapshots 10

Needs root and ``setpriv`` (util-linux) to run each writer as its own uid. Prints the time and
how many snapshots the history holds; exits 1 if one is missing or attributed to someone else.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_mlversion.core.repository import Repository  # noqa: E402
from tests.shared.team import cli, shared_folder, team_project, usable, writer  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--snapshots", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after (s)")
    args = parser.parse_args(argv)
    why = usable()
    if why:
        print(f"shared_volume: {why}", file=sys.stderr)
        return 2
    base = shared_folder()
    try:
        project = team_project(base)
        users = [(6000 + i, f"user{i}") for i in range(args.users)]
        made = cli(users[0][0], project, users[0][1], "init")
        if made.returncode:
            print(made.stderr, file=sys.stderr)
            return 1
        start = time.monotonic()
        procs = [writer(uid, project, name, args.snapshots) for uid, name in users]
        failed = 0
        for proc in procs:
            try:
                _, err = proc.communicate(
                    timeout=max(1.0, args.timeout - (time.monotonic() - start))
                )
            except subprocess.TimeoutExpired:
                proc.kill()
                err = "timed out"
            if proc.returncode:
                failed += 1
                print(err.strip().splitlines()[-1] if err.strip() else "failed", file=sys.stderr)
        elapsed = time.monotonic() - start
        with Repository.open(project) as repo:
            log = repo.log(limit=args.users * args.snapshots + 10)
        authors = {s.message: s.author for s in log}
        expected = {f"{name} {i}": name for _, name in users for i in range(args.snapshots)}
        lost = [m for m in expected if m not in authors]
        misattributed = [m for m, who in expected.items() if m in authors and authors[m] != who]
        total = args.users * args.snapshots
        print(
            f"shared volume: {args.users} users x {args.snapshots} snapshots = {total}; "
            f"in history {len(log)}, lost {len(lost)}, misattributed {len(misattributed)}, "
            f"failed writers {failed}; {elapsed:.1f} s ({total / elapsed:.1f} snapshots/s)"
        )
        return 1 if lost or misattributed or failed else 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

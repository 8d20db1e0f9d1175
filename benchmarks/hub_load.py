"""A team's remote under load: N clones, as N hub users, each pushing M snapshots at once.

    python benchmarks/hub_load.py                          # 50 users x 4 snapshots, SeaweedFS
    python benchmarks/hub_load.py --users 8 --snapshots 2 --remote file

Each user is its own process with its own clone and ``JUPYTERHUB_USER`` (the author), on its
own branch ``u<N>`` (``Repository.switch(name, create=True)``: needs branches), so the
pushes race only for the remote's ``refs.json``, which moves by compare-and-swap. A push that
gives up (``ConcurrentUpdateError``) is sent again and counted as a retry. At the end one fresh
fetch counts what the remote holds: every snapshot, by its user. Prints the time and the retries;
exits 1 when a snapshot is missing or misattributed. Stops by itself after ``--timeout``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_mlversion.core.errors import ConcurrentUpdateError  # noqa: E402
from jupyter_mlversion.core.repository import Repository  # noqa: E402

MAX_ATTEMPTS = 30


def user(args: tuple[str, str, int, int, dict[str, str]]) -> dict[str, object]:
    """One user: clone, own branch, ``count`` snapshots each pushed; what happened."""
    url, work, number, count, env = args
    os.environ.update(env)
    name = f"u{number}"
    os.environ["JUPYTERHUB_USER"] = name
    retries, started = 0, time.monotonic()
    repo, _ = Repository.clone(url, Path(work) / name)
    repo.switch(name, create=True)  # type: ignore[attr-defined]
    for i in range(count):
        (repo.root / f"{name}.txt").write_text(f"{name} {i}\n")
        repo.snapshot([f"{name}.txt"], message=f"{name} {i}")
        for attempt in range(MAX_ATTEMPTS):
            try:
                repo.push("origin", name)
                break
            except ConcurrentUpdateError:
                retries += 1
                time.sleep(min(2.0, 0.05 * 2**attempt))
        else:
            return {"user": name, "retries": retries, "error": "gave up pushing"}
    repo.close()
    return {"user": name, "retries": retries, "seconds": time.monotonic() - started}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--snapshots", type=int, default=4)
    parser.add_argument("--remote", choices=("s3", "file"), default="s3")
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up after (s)")
    args = parser.parse_args(argv)
    if not hasattr(Repository, "switch"):
        print("hub_load: needs branches (Repository.switch), not in this build", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="mlversion-hub-load-"))
    server = None
    try:
        env: dict[str, str] = {}
        if args.remote == "s3":
            from tests.remote import seaweed

            server = seaweed.start(work / "seaweedfs")
            server.client().create_bucket(Bucket="load")
            env = {**server.env(), "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
            url = "s3://load/team"
        else:
            url = str(work / "remote")
        os.environ.update(env)
        seed = Repository.init(work / "seed")
        (seed.root / "README.txt").write_text("team project\n")
        seed.snapshot(["README.txt"], message="start", author=("seed", "seed@localhost"))
        seed.remote_add("origin", url)
        seed.push("origin")
        jobs = [(url, str(work), n, args.snapshots, env) for n in range(args.users)]
        start = time.monotonic()
        with multiprocessing.get_context("spawn").Pool(args.users) as pool:
            pending = pool.map_async(user, jobs)
            results = pending.get(timeout=args.timeout)
        elapsed = time.monotonic() - start
        seed.fetch("origin")
        git = seed.history.runner
        lost = misattributed = on_remote = 0
        for n in range(args.users):
            ref = f"refs/remotes/origin/u{n}"
            log = git.run("log", "--format=%an%x09%s", f"refs/heads/main..{ref}").decode()
            lines = [line.split("\t", 1) for line in log.splitlines() if line]
            on_remote += len(lines)
            found = {subject: author for author, subject in lines}
            for i in range(args.snapshots):
                who = found.get(f"u{n} {i}")
                lost += who is None
                misattributed += who is not None and who != f"u{n}"
        failed = [r for r in results if "error" in r]
        retries = sum(int(str(r["retries"])) for r in results)
        total = args.users * args.snapshots
        print(
            json.dumps(
                {
                    "users": args.users,
                    "snapshots_each": args.snapshots,
                    "remote": args.remote,
                    "expected": total,
                    "on_remote": on_remote,
                    "lost": lost,
                    "misattributed": misattributed,
                    "failed_users": len(failed),
                    "push_retries": retries,
                    "seconds": round(elapsed, 1),
                }
            )
        )
        return 1 if lost or misattributed or failed or on_remote != total else 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

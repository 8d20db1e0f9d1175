"""``kill -9`` at random moments of ``mlversion snapshot``: no snapshot lost, none torn."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from harness import (
    SIZES,
    Deadline,
    blob,
    check_every_snapshot,
    clean_failure,
    cli_command,
    digest,
    init_project,
    kill_at,
    litter,
    mlv,
    record,
    verify_ok,
)

SLOTS = 8  # regions of the big file, one rewritten per round
PATCH = 64 * 1024
GROUPS = 7  # a small file is rewritten every GROUPS rounds


class Rounds:
    """The working tree of round ``n``, and what a snapshot of round ``n`` must hold."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = blob("base", SIZES.big)
        self.digests: dict[int, dict[str, str]] = {}

    def _slot_round(self, n: int, slot: int) -> int:
        return n - ((n - slot) % SLOTS)

    def _small_round(self, n: int, i: int) -> int:
        return n - ((n - i) % GROUPS)

    def big(self, n: int) -> bytes:
        data = bytearray(self.base)
        for slot in range(SLOTS):
            r = self._slot_round(n, slot)
            if r >= 0:
                at = slot * (SIZES.big // SLOTS)
                data[at : at + PATCH] = blob(f"patch-{r}", PATCH)
        return bytes(data)

    def small(self, n: int, i: int) -> bytes:
        r = self._small_round(n, i)
        return f"file {i} as of round {max(r, -1)}\n".encode() * (1 + i % 5)

    def files(self, n: int) -> dict[str, bytes]:
        files = {f"small/f{i:03d}.txt": self.small(n, i) for i in range(SIZES.smalls)}
        if n % 2:
            files["odd rounds only.txt"] = f"round {n}\n".encode()
        return files

    def write(self, n: int) -> None:
        """Turn the tree of round ``n - 1`` into that of round ``n`` (only what changes)."""
        big = self.root / "big.bin"
        if n == 0:
            big.write_bytes(self.base)
        slot = n % SLOTS
        at = slot * (SIZES.big // SLOTS)
        with open(big, "r+b") as f:
            f.seek(at)
            f.write(blob(f"patch-{n}", PATCH))
        (self.root / "small").mkdir(exist_ok=True)
        for rel, data in self.files(n).items():
            path = self.root / rel
            if n == 0 or rel.startswith("odd") or i_changes(rel, n):
                path.write_bytes(data)
        if n % 2 == 0:
            (self.root / "odd rounds only.txt").unlink(missing_ok=True)

    def expected(self, snap: dict) -> dict[str, str]:
        n = int(snap["message"].split()[-1])
        if n not in self.digests:
            want = {rel: digest(data) for rel, data in self.files(n).items()}
            want["big.bin"] = digest(self.big(n))
            self.digests[n] = want
        return self.digests[n]


def i_changes(rel: str, n: int) -> bool:
    i = int(rel.removeprefix("small/f").removesuffix(".txt"))
    return (n - i) % GROUPS == 0


def test_kill_9_during_snapshot_loses_no_snapshot(tmp_path: Path) -> None:
    root = init_project(tmp_path / "proj")
    rounds = Rounds(root)
    rng = random.Random(20240601)
    acknowledged: set[str] = set()
    problems: list[str] = []
    seen: set[str] = set()
    tries = kills = 0
    typical = 1.0
    deadline = Deadline()
    for n in range(SIZES.kill_rounds):
        if n and deadline.over():
            break
        rounds.write(n)
        tries += 1
        argv = cli_command("snapshot", ".", "-m", f"round {n}", "--json")
        killed, done = kill_at(argv, root, rng.uniform(0.0, typical * 1.2))
        kills += killed
        if done is not None and done.returncode != 0:
            problems.append(f"round {n}: snapshot failed unkilled: {done.stderr.strip()[:300]}")
        # The next command must not be blocked by anything the dead process held.
        start = time.monotonic()
        again = mlv(root, "snapshot", ".", "-m", f"round {n}", "--json", timeout=50)
        typical = max(0.3, time.monotonic() - start)
        if again.returncode != 0:
            problems.append(
                f"round {n}: snapshot after the kill: {clean_failure(again) or again.stderr}"
            )
        for answer in (done, again):
            if answer is not None and answer.returncode == 0:
                snap = json.loads(answer.stdout)["snapshot"]
                if snap is not None:
                    acknowledged.add(snap["id"])
        left = [p for p in litter(root) if p not in seen]
        seen.update(left)
        problems += [f"round {n}: litter after the next snapshot: {p}" for p in left]
    ids = {s["id"] for s in json.loads(mlv(root, "log", "--json").stdout)["snapshots"]}
    if len(ids) != tries:
        problems.append(f"{len(ids)} snapshots for {tries} rounds (one per round expected)")
    lost = sorted(acknowledged - ids)
    checked, check_problems = check_every_snapshot(root, tmp_path / "scratch", rounds.expected)
    problems += check_problems + verify_ok(root)
    record("kill -9 during snapshot", tries=tries, kills=kills, acknowledged=len(acknowledged),
           in_log=len(ids), lost=len(lost), checked_out=checked, failures=len(problems),
           big_bytes=SIZES.big, small_files=SIZES.smalls)  # fmt: skip
    assert not lost, f"snapshots reported as made but missing from the log: {lost}"
    assert kills > 0 and checked == len(ids)
    assert not problems, "\n".join(problems[:20])

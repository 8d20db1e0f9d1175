"""``kill -9`` during ``restore`` and ``checkout``: the old content or the new, never torn."""

from __future__ import annotations

import random
import time
from pathlib import Path

from harness import (
    SIZES,
    Deadline,
    blob,
    cli_command,
    digest,
    file_digest,
    init_project,
    kill_at,
    litter,
    mlv,
    mlv_json,
    record,
    verify_ok,
)


def test_kill_9_during_restore_leaves_old_or_new_content(tmp_path: Path) -> None:
    root = init_project(tmp_path / "proj")
    model = root / "models" / "clf.bin"
    model.parent.mkdir()
    versions = [blob("model-v0", SIZES.big), blob("model-v1", SIZES.big)]
    wanted = [digest(v) for v in versions]
    for n, data in enumerate(versions):
        model.write_bytes(data)
        mlv_json(root, "snapshot", "models", "-m", f"model v{n}", "--tag", f"v{n}")
    rng = random.Random(7)
    problems: list[str] = []
    seen: set[str] = set()
    tries = kills = torn = 0
    current = 1
    typical = 1.0
    deadline = Deadline()
    for n in range(SIZES.restore_kills):
        if n and deadline.over():
            break
        target = 1 - current
        # Alternate the two commands that write files: restore of one path, checkout of all.
        if n % 2:
            args = ["checkout", f"v{target}"]
        else:
            args = ["restore", "models/clf.bin", "--to", f"models/clf.bin@v{target}"]
        tries += 1
        killed, done = kill_at(cli_command(*args, "--json"), root, rng.uniform(0, typical * 1.2))
        kills += killed
        now = file_digest(model) if model.exists() else None
        if now not in wanted:
            torn += 1
            problems.append(f"try {n} ({' '.join(args)}): the file is neither old nor new: {now}")
        current = wanted.index(now) if now in wanted else current
        if done is not None and (done.returncode != 0 or current != target):
            problems.append(f"try {n}: {' '.join(args)} unkilled gave {done.returncode}, "
                            f"v{current}: {done.stderr.strip()[:200]}")  # fmt: skip
        # The next command holding the lock finishes the job and clears what the dead one left.
        start = time.monotonic()
        redo = mlv(root, "restore", "models/clf.bin", "--to", f"v{target}", "--json", timeout=60)
        if redo.returncode != 0:
            problems.append(f"try {n}: restore after the kill: {redo.stderr.strip()[:300]}")
        elif file_digest(model) != wanted[target]:
            problems.append(f"try {n}: restore after the kill did not give v{target}")
        current = target
        left = [p for p in litter(root) if p not in seen]
        seen.update(left)
        problems += [f"try {n}: litter after the next restore: {p}" for p in left]
        typical = max(0.3, time.monotonic() - start)
    snapshots = mlv_json(root, "log")["total"]
    if snapshots != 2:
        problems.append(f"{snapshots} snapshots: a killed restore made the next one store a copy")
    gc = mlv(root, "gc", "--prune")
    problems += [f"after gc: {p}" for p in litter(root)] if gc.returncode == 0 else [gc.stderr]
    problems += verify_ok(root)
    record("kill -9 during restore/checkout", tries=tries, kills=kills, torn=torn,
           failures=len(problems), file_bytes=SIZES.big)  # fmt: skip
    assert torn == 0
    assert kills > 0
    assert not problems, "\n".join(problems[:20])

"""Processes the remote tests start: a slow push to be killed, and a writer of snapshots.

``python -m tests.remote.worker push DIR`` pushes the project in DIR, pausing at every
progress report so that a test can kill it midway. ``... writer URL DIR K N EVERY`` clones
URL into DIR and takes N snapshots of its own file ``wK.txt``, pushing after every EVERY; when a
push is refused it undoes its unpushed snapshots, pulls and takes them again (``git reset
--soft`` and pull, in effect), so every one of its N snapshots reaches the remote exactly once.
"""

from __future__ import annotations

import random
import sys
import time

from jupyter_mlversion.core.errors import NonFastForwardError
from jupyter_mlversion.core.repository import Repository


def slow_push(folder: str) -> None:
    repo = Repository.open(folder)
    repo.push(progress=lambda done, total, label: time.sleep(0.05))


def writer(url: str, folder: str, k: int, n: int, every: int) -> None:
    """Snapshot ``wK.txt`` ``n`` times, pushing after every ``every`` snapshots."""
    repo, _ = Repository.clone(url, folder, data=False)
    mine = f"w{k}.txt"
    refused = 0

    def take(j: int) -> None:
        (repo.root / mine).write_text(f"writer {k} snapshot {j}\n")
        repo.snapshot([mine], message=f"w{k}-{j}")

    for first in range(0, n, every):
        batch = range(first, min(first + every, n))
        repo.pull()
        for j in batch:
            take(j)
        while True:
            try:
                repo.push()
                break
            except NonFastForwardError:
                refused += 1
                # Undo the unpushed snapshots (their contents are re-made below), take the
                # remote's, and snapshot again on top: a rebase, done by hand.
                head = repo.head()
                base = repo.history.rev_parse(f"HEAD~{len(batch)}")
                assert head is not None and base is not None
                repo.history.update_ref("refs/heads/main", base, head, "test: undo, then pull")
                repo.index.reset()  # the index follows history forwards only
                time.sleep(random.uniform(0.0, 0.2 * min(refused, 5)))
                repo.pull()
                for j in batch:
                    take(j)
    print(f"writer {k}: {n} pushed, {refused} refused", flush=True)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "push":
        slow_push(rest[0])
    elif command == "writer":
        writer(rest[0], rest[1], int(rest[2]), int(rest[3]), int(rest[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")

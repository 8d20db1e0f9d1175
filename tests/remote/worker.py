"""Processes the remote tests start: a slow push to be killed, and a writer of snapshots.

``python -m tests.remote.worker push DIR`` pushes the project in DIR, pausing at every
progress report so that a test can kill it midway. ``... writer URL DIR K N`` clones URL
into DIR and pushes N snapshots of its own file ``wK.txt``; when its push is refused it
undoes its snapshot, pulls and snapshots again (``git reset --soft HEAD~1`` and pull, in
effect), so every one of its N snapshots reaches the remote exactly once.
"""

from __future__ import annotations

import sys
import time

from jupyter_mlversion.core.errors import NonFastForwardError
from jupyter_mlversion.core.repository import Repository


def slow_push(folder: str) -> None:
    repo = Repository.open(folder)
    repo.push(progress=lambda done, total, label: time.sleep(0.05))


def writer(url: str, folder: str, k: int, n: int) -> None:
    repo, _ = Repository.clone(url, folder, data=False)
    mine = f"w{k}.txt"
    refused = 0
    for j in range(n):
        repo.pull()
        (repo.root / mine).write_text(f"writer {k} snapshot {j}\n")
        repo.snapshot([mine], message=f"w{k}-{j}")
        while True:
            try:
                repo.push()
                break
            except NonFastForwardError:
                refused += 1
                head = repo.head()
                assert head is not None
                parent = repo.history.rev_parse("HEAD~1")
                assert parent is not None
                repo.history.update_ref("refs/heads/main", parent, head, "test: undo, then pull")
                repo.pull()
                repo.snapshot([mine], message=f"w{k}-{j}")
    print(f"writer {k}: {n} pushed, {refused} refused", flush=True)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "push":
        slow_push(rest[0])
    elif command == "writer":
        writer(rest[0], rest[1], int(rest[2]), int(rest[3]))
    else:
        raise SystemExit(f"unknown command {command!r}")

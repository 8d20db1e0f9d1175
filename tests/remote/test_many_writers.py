"""Many clones pushing to one remote at once: every accepted push stays, none is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from jupyter_mlversion.core.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
SNAPSHOTS = 25
#: Snapshots a writer takes between pushes (each push races the other writers').
EVERY = 25


def test_eight_clones_push_25_snapshots_each_and_none_is_lost(
    make_project: Callable[..., Repository],
    s3_url: str,
    s3_env: dict[str, str],
    tmp_path: Path,
    clone: Callable[..., Repository],
) -> None:
    seed = make_project({"README.txt": "shared\n"})
    seed.snapshot(["README.txt"], message="seed")
    seed.remote_add("origin", s3_url)
    seed.push()
    env = {**os.environ, **s3_env, "PYTHONPATH": str(ROOT)}
    writers = []
    for k in range(WRITERS):
        argv = [sys.executable, "-m", "tests.remote.worker", "writer", s3_url,
                str(tmp_path / f"writer{k}"), str(k), str(SNAPSHOTS), str(EVERY)]  # fmt: skip
        writers.append(
            subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        )
    outputs = [w.communicate(timeout=900) for w in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err.decode()[-3000:]
    refused = sum(int(out.split()[4]) for out, _ in outputs)

    final = clone(s3_url, "final")
    messages = [s.message for s in final.log()]
    expected = {f"w{k}-{j}" for k in range(WRITERS) for j in range(SNAPSHOTS)}
    assert len(messages) == WRITERS * SNAPSHOTS + 1, (len(messages), refused)
    assert set(messages) == expected | {"seed"}
    for k in range(WRITERS):  # each writer's file holds its last snapshot
        assert (final.root / f"w{k}.txt").read_text() == f"writer {k} snapshot {SNAPSHOTS - 1}\n"
    assert refused > 0, "the writers never raced: the test proved nothing about compare-and-swap"

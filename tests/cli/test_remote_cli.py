"""``mlversion remote/clone/push/fetch/pull`` as real processes, on a folder remote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def run(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTERHUB_USER": "ada"}
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == code, (out.stdout, out.stderr)
    return out


def js(cwd: Path, *args: str) -> dict:
    return json.loads(run(cwd, *args, "--json").stdout)


def test_push_clone_pull_from_the_command_line(tmp_path: Path) -> None:
    alice = tmp_path / "alice"
    (alice / "data").mkdir(parents=True)
    (alice / "data" / "train.csv").write_text("a,b\n1,2\n")
    run(alice, "init")
    run(alice, "snapshot", "data", "-m", "first")
    added = js(alice, "remote", "add", "origin", "../shared")
    assert added["added"] == {"name": "origin", "url": str((tmp_path / "shared").resolve())}
    pushed = js(alice, "push")
    assert pushed["snapshots"] == 1 and pushed["objects"] == 1 and not pushed["up_to_date"]
    assert "up to date" in run(alice, "push").stdout

    cloned = js(tmp_path, "clone", "shared", "bob")
    assert cloned["branch"] == "main" and cloned["head"] == pushed["new"]
    bob = tmp_path / "bob"
    assert (bob / "data" / "train.csv").read_text() == "a,b\n1,2\n"

    (bob / "data" / "train.csv").write_text("a,b\n1,2\n3,4\n")
    run(bob, "snapshot", "-m", "more rows")
    run(bob, "push")
    run(alice, "fetch")
    status = js(alice, "status")
    assert status["remotes"][0]["behind"] == 1 and status["remotes"][0]["ahead"] == 0
    assert "0 ahead, 1 behind origin/main" in run(alice, "status").stdout
    pulled = js(alice, "pull")
    assert pulled["action"] == "fast-forward" and pulled["snapshots"] == 1
    assert (alice / "data" / "train.csv").read_text() == "a,b\n1,2\n3,4\n"


def test_remote_errors_are_one_line_and_json(tmp_path: Path) -> None:
    run(tmp_path, "init")
    out = run(tmp_path, "push", "nowhere", "--json", code=1)
    error = json.loads(out.stdout)
    assert error["error"] == "RemoteNotFoundError" and "remote add" in error["message"]
    assert out.stderr.count("\n") == 1
    out = run(tmp_path, "remote", "add", "origin", "s3://AKIA:hunter2@bucket/p", code=1)
    assert "never stored" in out.stderr and "hunter2" not in out.stderr
    assert not (tmp_path / ".mlversion" / "remotes.json").exists()

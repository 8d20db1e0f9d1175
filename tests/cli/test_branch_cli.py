"""The branch, switch, merge and resolve commands as real processes, with ``--json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


def run(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTERHUB_USER": "ada"}
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == code, (out.stdout, out.stderr)
    return out


def js(cwd: Path, *args: str) -> Any:
    return json.loads(run(cwd, *args, "--json").stdout)


def test_branch_switch_merge_resolve_continue_with_json(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("id,x\n1,a\n2,b\n")
    (tmp_path / "model.pkl").write_bytes(b"m0")
    run(tmp_path, "init")
    run(tmp_path, "snapshot", "t.csv", "model.pkl", "-m", "base")
    created = js(tmp_path, "switch", "-c", "feat")
    assert created["branch"] == "feat" and created["created"] is True
    (tmp_path / "t.csv").write_text("id,x\n1,a\n2,B\n3,c\n")
    (tmp_path / "model.pkl").write_bytes(b"m1")
    run(tmp_path, "snapshot", "-m", "feat")
    switched = js(tmp_path, "switch", "main")
    assert {i["path"] for i in switched["restore"]["items"] if i["action"] == "write"} == {
        "t.csv",
        "model.pkl",
    }
    (tmp_path / "model.pkl").write_bytes(b"m2")
    run(tmp_path, "snapshot", "-m", "main model")
    listed = js(tmp_path, "branch")
    assert listed["current"] == "main"
    assert [(b["name"], b["ahead"], b["behind"]) for b in listed["branches"]] == [
        ("feat", 1, 1),
        ("main", 0, 0),
    ]
    out = run(tmp_path, "merge", "feat", "--json", code=1)  # stopped on a conflict: exit 1
    result = json.loads(out.stdout)
    assert result["state"] == "conflicts"
    assert {f["path"]: f["outcome"] for f in result["files"]} == {
        "model.pkl": "conflict",
        "t.csv": "theirs",
    }
    status = js(tmp_path, "status")
    assert status["branch"] == "main" and status["merge"]["unresolved"] == ["model.pkl"]
    failed = run(tmp_path, "merge", "--continue", "--json", code=1)
    assert json.loads(failed.stdout)["error"] == "UnresolvedConflictsError"
    assert "model.pkl" in failed.stderr and "Traceback" not in failed.stderr
    js(tmp_path, "resolve", "model.pkl", "--ours")
    done = js(tmp_path, "merge", "--continue", "-m", "merged feat")
    assert done["state"] == "merged" and (tmp_path / "model.pkl").read_bytes() == b"m2"
    log = js(tmp_path, "log")
    assert len(log["snapshots"][0]["parents"]) == 2 and log["snapshots"][0]["branches"] == ["main"]
    assert js(tmp_path, "log", "--branch", "feat")["total"] == 2
    assert js(tmp_path, "branch", "-d", "feat")["deleted"]["unreachable"] == []


def test_unmerged_delete_and_bad_names_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    run(tmp_path, "init")
    run(tmp_path, "snapshot", "a.txt", "-m", "base")
    run(tmp_path, "switch", "-c", "side")
    (tmp_path / "a.txt").write_text("side")
    run(tmp_path, "snapshot", "-m", "side work")
    run(tmp_path, "switch", "main")
    refused = run(tmp_path, "branch", "-d", "side", code=1)
    assert "not merged" in refused.stderr and "branch -D side" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    bad = run(tmp_path, "branch", "deadbeef", "--json", code=1)
    assert json.loads(bad.stdout)["error"] == "InvalidNameError"
    gone = js(tmp_path, "branch", "-D", "side")
    assert len(gone["deleted"]["unreachable"]) == 1

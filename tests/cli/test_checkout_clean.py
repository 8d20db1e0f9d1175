"""``checkout REF`` makes the tracked tree equal to REF and leaves ``status`` clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != ".mlversion":
            out[rel.as_posix()] = path.read_text()
    return out


def test_checkout_each_snapshot_gives_exactly_its_files_and_a_clean_status(tmp_path):
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    assert _cli(root, "init").returncode == 0
    states = [
        {"data/a.csv": "a1\n", "data/b.csv": "b1\n", "notes.txt": "n1"},
        {"data/a.csv": "a2\n", "data/c.csv": "c2\n", "notes.txt": "n1", "extra.txt": "e"},
        {"data/c.csv": "c3\n", "model.pkl": "m3"},
    ]
    ids = []
    for n, state in enumerate(states):
        gone = [rel for rel in _tree(root) if rel not in state]
        for rel in gone:
            (root / rel).unlink()
        for rel, text in state.items():
            (root / rel).write_text(text)
        # Naming the removed files too records their removal (a snapshot of paths keeps
        # the parent's version of files it does not name).
        named = {"data", *(p for p in [*state, *gone] if "/" not in p)}
        out = _cli(root, "snapshot", *sorted(named), "-m", f"state {n}", "--json")
        assert out.returncode == 0, out.stderr
        ids.append(json.loads(out.stdout)["snapshot"]["id"])
        shown = json.loads(_cli(root, "show", ids[-1], "--json").stdout)
        assert sorted(f["path"] for f in shown["files"]) == sorted(state)
    before = json.loads(_cli(root, "log", "--json").stdout)["total"]
    for n in (0, 1, 2, 0, 2, 1):
        out = _cli(root, "checkout", ids[n][:12], "--json")
        assert out.returncode == 0, out.stderr
        assert _tree(root) == states[n], f"checkout of state {n}"
        status = json.loads(_cli(root, "status", "--json").stdout)
        assert status["clean"], status["changes"]
    log = json.loads(_cli(root, "log", "--json").stdout)
    # Nothing became unreachable: every snapshot taken is still in the log.
    assert {s["id"] for s in log["snapshots"]} >= set(ids)
    assert log["total"] > before
    assert log["snapshots"][0]["message"].startswith(f"Check out {ids[1][:10]}")


def test_checkout_keeps_unsaved_work_then_records_the_state(tmp_path):
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    _cli(root, "init")
    (root / "data" / "a.csv").write_text("a\n")
    _cli(root, "snapshot", "data", "-m", "one")
    assert _cli(root, "tag", "first").returncode == 0
    (root / "data" / "new.csv").write_text("unsaved\n")
    out = _cli(root, "checkout", "first", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["safety_snapshot"] and result["recorded"]
    assert not (root / "data" / "new.csv").exists()
    shown = json.loads(_cli(root, "show", result["safety_snapshot"], "--json").stdout)
    assert "data/new.csv" in [f["path"] for f in shown["files"]]
    head = json.loads(_cli(root, "show", "HEAD", "--json").stdout)
    assert head["snapshot"]["message"] == f"Check out {result['target'][:10]} (first)"
    assert head["snapshot"]["parents"] == [result["safety_snapshot"]]
    assert json.loads(_cli(root, "status", "--json").stdout)["clean"]
    again = json.loads(_cli(root, "checkout", "first", "--json").stdout)
    assert again["recorded"] is None and again["safety_snapshot"] is None

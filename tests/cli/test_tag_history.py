"""``mlversion tag -d NAME -m REASON`` is recorded and shown by ``registry history``."""

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


def test_tag_delete_reason_and_hex_refusal(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.txt").write_text("a")
    _cli(root, "init")
    _cli(root, "snapshot", "a.txt", "-m", "one")
    assert _cli(root, "tag", "v1").returncode == 0
    assert _cli(root, "tag", "-d", "v1", "-m", "wrong snapshot").returncode == 0
    refused = _cli(root, "tag", "abcd1234")
    assert refused.returncode == 1 and "snapshot id prefix" in refused.stderr
    events = json.loads(_cli(root, "registry", "history", "--json").stdout)["events"]
    assert [e["detail"]["action"] for e in events if e["kind"] == "tag"] == ["deleted", "created"]
    shown = _cli(root, "registry", "history").stdout
    assert "tag v1 deleted" in shown and "wrong snapshot" in shown

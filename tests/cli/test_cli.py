"""The ``mlversion`` command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def run(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTERHUB_USER": "ada"}
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == code, (out.stdout, out.stderr)
    return out


def js(cwd: Path, *args: str) -> dict:
    return json.loads(run(cwd, *args, "--json").stdout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("a,b\n1,2\n")
    (tmp_path / "model.pkl").write_bytes(b"\x80\x04model-one")
    run(tmp_path, "init")
    return tmp_path


def test_full_flow_with_json(project):
    snap = js(project, "snapshot", "data", "model.pkl", "-m", "first", "--metric", "acc=0.8",
              "--param", "lr=0.01", "--tag", "baseline")  # fmt: skip
    assert snap["created"] is True
    assert snap["snapshot"]["metrics"] == {"acc": 0.8}
    assert snap["snapshot"]["params"] == {"lr": 0.01}
    assert snap["snapshot"]["tags"] == ["baseline"]
    assert snap["snapshot"]["author"] == "ada"

    assert js(project, "status")["clean"] is True
    (project / "data" / "train.csv").write_text("a,b\n1,2\n3,4\n")
    status = js(project, "status")
    assert [(c["path"], c["status"]) for c in status["changes"]] == [("data/train.csv", "modified")]

    second = js(project, "snapshot", "-m", "more rows", "--metric", "acc=0.9")
    assert second["changes"][0]["new_version"] == 1

    log = js(project, "log")
    assert log["total"] == 2
    assert [s["message"] for s in log["snapshots"]] == ["more rows", "first"]
    assert js(project, "log", "--path", "model.pkl")["total"] == 1

    diff = js(project, "diff", "baseline", "HEAD")
    assert diff["files"][0]["path"] == "data/train.csv"
    assert diff["metrics"][0]["delta"] == pytest.approx(0.1)

    versions = js(project, "versions", "data/train.csv")
    assert [v["label"] for v in versions["versions"]] == ["v0", "v1"]

    dry = js(project, "restore", "data/train.csv", "--to", "data/train.csv@v0", "--dry-run")
    assert dry["dry_run"] and dry["items"][0]["action"] == "write"
    assert (project / "data" / "train.csv").read_text() == "a,b\n1,2\n3,4\n"
    js(project, "restore", "data/train.csv", "--to", "baseline")
    assert (project / "data" / "train.csv").read_text() == "a,b\n1,2\n"

    shown = js(project, "show", "baseline")
    assert sorted(f["path"] for f in shown["files"]) == ["data/train.csv", "model.pkl"]
    assert "packages" in shown["snapshot"]["environment"]


def test_aliases_registry_tags_verify_gc(project):
    run(project, "snapshot", "data", "model.pkl", "-m", "first")
    (project / "model.pkl").write_bytes(b"\x80\x04model-two")
    run(project, "snapshot", "-m", "second model")
    alias = js(project, "alias", "model.pkl", "best", "v0")
    assert alias["version"]["version"] == 0
    js(project, "alias", "model.pkl", "best")  # moves to the newest
    events = js(project, "alias", "--history")["events"]
    assert [(e["old_version"], e["new_version"]) for e in events] == [(0, 1), (None, 0)]
    assert js(project, "alias")["aliases"] == {"model.pkl": {"best": 1}}

    js(project, "registry", "register", "clf", "model.pkl@v0")
    js(project, "registry", "register", "clf", "model.pkl@best")
    js(project, "registry", "promote", "clf", "2", "staging", "--reason", "looks good")
    models = js(project, "registry", "list")["models"]
    assert [(v["number"], v["stage"]) for v in models[0]["versions"]] == [
        (1, "none"),
        (2, "staging"),
    ]
    assert js(project, "registry", "history", "clf")["events"]

    js(project, "tag", "release-1", "HEAD~1")
    assert list(js(project, "tag")["tags"]) == ["release-1"]
    assert js(project, "verify")["ok"] is True
    assert js(project, "gc")["dry_run"] is True


def test_human_output_is_readable(project):
    out = run(project, "snapshot", "data", "-m", "first").stdout
    assert "Snapshot" in out and "data/train.csv" in out
    assert "Nothing changed" in run(project, "snapshot", "-m", "again").stdout
    assert "first" in run(project, "log").stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("restore", "../x", "--to", "HEAD"), "outside the project"),
        (("show", "no-such-tag"), "unknown reference 'no-such-tag'"),
        (("versions", "data/nothing.csv"), "is in no snapshot"),
        (("tag", "a..b"), "a..b"),
        (("snapshot", "missing.csv"), "missing.csv"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_1(project, args, needle):
    run(project, "snapshot", "data", "-m", "base")
    out = run(project, *args, code=1)
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_no_project_here(tmp_path):
    out = run(tmp_path, "status", code=1)
    assert "mlversion init" in out.stderr
    assert "Traceback" not in out.stderr


def test_usage_errors_exit_2(project):
    out = run(project, "snapshot", "--metric", "acc", code=2)
    assert "KEY=VALUE" in out.stderr
    out = run(project, "frobnicate", code=2)
    assert "invalid choice" in out.stderr


def test_verify_exit_code_on_corruption(project):
    (project / "big.bin").write_bytes(os.urandom(400_000))
    run(project, "snapshot", "big.bin", "-m", "big")
    objects = [p for p in (project / ".mlversion" / "objects").rglob("*") if p.is_file()]
    victim = max(objects, key=lambda p: p.stat().st_size)
    victim.chmod(0o644)
    data = bytearray(victim.read_bytes())
    data[-10] ^= 0x01
    victim.write_bytes(bytes(data))
    out = run(project, "verify", code=3)
    assert "corrupt" in out.stdout

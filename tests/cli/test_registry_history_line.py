"""Registry history reads as sentences, one entry per line; every --json failure is JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlversion.cli import main as cli


def _run(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    code = cli.main(list(words))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_registration_and_promotion_read_once_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.pkl").write_bytes(b"model")
    assert _run(capsys, "init")[0] == 0
    assert _run(capsys, "snapshot", "m.pkl", "-m", "one")[0] == 0
    assert _run(capsys, "registry", "register", "churn", "m.pkl@v0")[0] == 0
    assert (
        _run(capsys, "registry", "promote", "churn", "1", "staging", "--reason", "passed")[0] == 0
    )
    code, out, _ = _run(capsys, "registry", "history")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].endswith(": moved churn version 1 from none to staging: passed")
    assert lines[1].endswith(": registered churn version 1 (m.pkl@v0)")
    assert "register register" not in out and len(lines) == 2


def test_an_unexpected_failure_is_one_json_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLVERSION_DEBUG", raising=False)
    assert _run(capsys, "init")[0] == 0

    def broken(args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "status", broken)
    code, out, err = _run(capsys, "status", "--json")
    assert code == 1
    body = json.loads(out)
    assert body["error"] == "RuntimeError" and "a bug" in body["message"]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

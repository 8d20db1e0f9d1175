"""The registry (aliases, registered models, stages) stored as commits in a real git repo."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import InvalidNameError, RegistryError
from jupyter_mlversion.core.history import History
from jupyter_mlversion.core.registry import REGISTRY_REF, Registry

ANN = ("Ann", "ann@example.org")
BOB = ("Bob", "bob@example.org")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hist(tmp_path: Path) -> History:
    return History.init(tmp_path / "history.git")


@pytest.fixture
def reg(hist: History) -> Registry:
    return Registry(hist)


@pytest.fixture
def snap(hist: History) -> str:
    return hist.commit({"models/clf.pkl.ptr": b"id"}, parent=None, message="s", author=ANN)


def test_alias_moves_are_recorded(reg: Registry, hist: History) -> None:
    assert reg.aliases() == {}
    assert reg.alias_history() == []
    first = reg.set_alias("models/clf.pkl", "best", 1, author=ANN)
    assert (first.old_version, first.new_version, first.author) == (None, 1, "Ann")
    moved = reg.set_alias("models/clf.pkl", "best", 3, author=BOB, message="beats v1 on F1")
    assert (moved.old_version, moved.new_version, moved.message) == (1, 3, "beats v1 on F1")
    reg.set_alias("models/clf.pkl", "production", 1, author=ANN)
    reg.set_alias("data/train.csv", "clean", 0, author=ANN)
    assert reg.aliases() == {
        "data/train.csv": {"clean": 0},
        "models/clf.pkl": {"best": 3, "production": 1},
    }
    assert reg.aliases("models/clf.pkl") == {"models/clf.pkl": {"best": 3, "production": 1}}
    assert reg.aliases("nope") == {}

    removed = reg.remove_alias("data/train.csv", "clean", author=BOB)
    assert (removed.old_version, removed.new_version) == (0, None)
    assert "data/train.csv" not in reg.aliases()

    events = reg.alias_history("models/clf.pkl")
    assert [(e.alias, e.old_version, e.new_version, e.author) for e in events] == [
        ("production", None, 1, "Ann"),
        ("best", 1, 3, "Bob"),
        ("best", None, 1, "Ann"),
    ]
    assert events[1].message == "beats v1 on F1"
    assert events[2].message == "alias models/clf.pkl@best: v1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", events[0].time)
    assert len(reg.alias_history()) == 5
    # Every move is a commit on the registry ref; main is untouched.
    assert hist.count(ref=REGISTRY_REF) == 5
    assert hist.head() is None


def test_alias_errors(reg: Registry) -> None:
    with pytest.raises(RegistryError, match=r"no alias 'best' on m.pkl \(its aliases: none\)"):
        reg.remove_alias("m.pkl", "best", author=ANN)
    reg.set_alias("m.pkl", "prod", 2, author=ANN)
    with pytest.raises(RegistryError, match=r"its aliases: prod"):
        reg.remove_alias("m.pkl", "best", author=ANN)
    for bad in ["v2", "a b", "-x", "x@y", "a/b", "a..b", ""]:
        with pytest.raises(InvalidNameError):
            reg.set_alias("m.pkl", bad, 1, author=ANN)
    with pytest.raises(InvalidNameError, match="invalid path"):
        reg.set_alias("../m.pkl", "best", 1, author=ANN)
    with pytest.raises(RegistryError, match=">= 0"):
        reg.set_alias("m.pkl", "best", -1, author=ANN)
    assert reg.aliases() == {"m.pkl": {"prod": 2}}


def test_register_and_transition(reg: Registry, snap: str) -> None:
    assert reg.models() == []
    v1 = reg.register(
        "clf",
        path="models/clf.pkl",
        artifact_version=0,
        file_id="a" * 64,
        snapshot=snap,
        description="churn classifier",
        author=ANN,
    )
    assert (v1.model, v1.number, v1.stage, v1.artifact_version) == ("clf", 1, "none", 0)
    v2 = reg.register(
        "clf",
        path="models/clf.pkl",
        artifact_version=1,
        file_id="b" * 64,
        snapshot=snap,
        author=BOB,
    )
    assert v2.number == 2
    again = reg.register(
        "clf",
        path="models/clf.pkl",
        artifact_version=1,
        file_id="b" * 64,
        snapshot=snap,
        author=BOB,
    )
    assert again == v2  # linking the same artifact version twice adds nothing
    reg.register(
        "zeta", path="z.onnx", artifact_version=0, file_id="c" * 64, snapshot=snap, author=ANN
    )

    assert [m.name for m in reg.models()] == ["clf", "zeta"]
    clf = reg.model("clf")
    assert clf.description == "churn classifier"
    assert [v.number for v in clf.versions] == [1, 2]

    assert reg.transition("clf", 1, "staging", author=ANN).stage == "staging"
    assert reg.transition("clf", 1, "production", reason="A/B test won", author=ANN).stage == (
        "production"
    )
    promoted = reg.transition("clf", 2, "production", reason="retrained", author=BOB)
    assert promoted.stage == "production"
    stages = {v.number: v.stage for v in reg.model("clf").versions}
    assert stages == {1: "archived", 2: "production"}
    # Back from archived is allowed.
    assert reg.transition("clf", 1, "staging", author=ANN).stage == "staging"

    events = reg.history("clf")
    kinds = [(e.kind, e.detail.get("number"), e.detail.get("new_stage")) for e in events]
    assert kinds == [
        ("transition", 1, "staging"),
        ("transition", 2, "production"),
        ("transition", 1, "archived"),
        ("transition", 1, "production"),
        ("transition", 1, "staging"),
        ("register", 2, None),
        ("register", 1, None),
    ]
    auto = events[2]
    assert auto.detail["automatic"] is True
    assert auto.detail["old_stage"] == "production"
    assert auto.author == "Bob"
    assert "retrained" in events[1].message and events[1].detail["reason"] == "retrained"
    assert len(reg.history()) == 8  # includes zeta's registration
    assert reg.model("zeta").versions[0].stage == "none"


def test_registry_errors(reg: Registry, snap: str) -> None:
    with pytest.raises(RegistryError, match="no registered model 'clf'; known: none yet"):
        reg.model("clf")
    for name in ("b", "a"):
        reg.register(name, path="m.pkl", artifact_version=0, file_id="x", snapshot=snap, author=ANN)
    with pytest.raises(RegistryError, match="no registered model 'clf'; known: a, b"):
        reg.transition("clf", 1, "staging", author=ANN)
    with pytest.raises(RegistryError, match="no registered model 'clf'; known: a, b"):
        reg.history("clf")
    with pytest.raises(RegistryError, match=r"'a' has no version 7 \(it has 1..1\)"):
        reg.transition("a", 7, "staging", author=ANN)
    with pytest.raises(RegistryError, match="unknown stage 'live'; stages are: none, staging"):
        reg.transition("a", 1, "live", author=ANN)
    with pytest.raises(InvalidNameError):
        reg.register(
            "a/b", path="m.pkl", artifact_version=0, file_id="x", snapshot=snap, author=ANN
        )
    with pytest.raises(RegistryError, match="not a full snapshot id"):
        reg.register(
            "c", path="m.pkl", artifact_version=0, file_id="x", snapshot="HEAD", author=ANN
        )
    unchanged = reg.transition("a", 1, "none", author=ANN)
    assert unchanged.stage == "none"
    assert len(reg.history()) == 2  # failed and no-op operations recorded nothing


MOVER = """
    import sys
    from jupyter_mlversion.core.history import History
    from jupyter_mlversion.core.registry import Registry

    reg = Registry(History(sys.argv[1]))
    who = sys.argv[2]
    for i in range(15):
        reg.set_alias("models/m.pkl", f"{who}{i}", i, author=(who, who + "@x"))
        reg.set_alias("models/m.pkl", "shared", i, author=(who, who + "@x"))
"""


def test_concurrent_alias_moves_lose_nothing(hist: History, tmp_path: Path) -> None:
    script = tmp_path / "mover.py"
    script.write_text(textwrap.dedent(MOVER))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(hist.git_dir), who],
            env=env,
            stderr=subprocess.PIPE,
        )
        for who in ("ann", "bob")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
    reg = Registry(hist)
    table = reg.aliases()["models/m.pkl"]
    assert {f"{w}{i}": i for w in ("ann", "bob") for i in range(15)}.items() <= table.items()
    history = reg.alias_history("models/m.pkl")
    assert len(history) == 60
    shared = [e for e in reversed(history) if e.alias == "shared"]
    # Each recorded move starts where the previous one ended: no move was overwritten.
    for before, after in itertools.pairwise(shared):
        assert after.old_version == before.new_version
    assert table["shared"] == shared[-1].new_version

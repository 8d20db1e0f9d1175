"""Aliases that follow a metric move on a better snapshot only, with the reason recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_mlversion.cli.main import main
from jupyter_mlversion.core.errors import RegistryError
from jupyter_mlversion.core.repository import Repository

MODEL = "models/clf.bin"


def _train(repo: Repository, content: bytes, **metrics: float) -> None:
    (repo.root / MODEL).write_bytes(content)
    repo.snapshot([MODEL], message=f"train {content!r}", metrics=metrics)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    (tmp_path / "models").mkdir()
    repo = Repository.init(tmp_path)
    _train(repo, b"first", accuracy=0.91, loss=0.4)
    return repo


def test_follow_moves_on_a_better_metric_and_not_on_a_worse_one(repo: Repository) -> None:
    start = repo.follow_alias(MODEL, "best", "max accuracy")
    assert start.version == 0
    assert repo.alias_follows(MODEL)[MODEL]["best"] == {
        "rule": "max accuracy", "mode": "max", "metric": "accuracy", "value": 0.91,
    }  # fmt: skip

    _train(repo, b"second", accuracy=0.93)
    assert repo.aliases(MODEL)[MODEL]["best"] == 1
    move = repo.alias_history(MODEL)[0]
    assert (move.old_version, move.new_version) == (0, 1)
    assert move.message == "accuracy 0.93 > 0.91"
    assert move.author  # the snapshot's author, recorded like any alias move

    _train(repo, b"third", accuracy=0.89)
    assert repo.aliases(MODEL)[MODEL]["best"] == 1  # worse: stays
    assert repo.alias_history(MODEL)[0].message == "accuracy 0.93 > 0.91"
    _train(repo, b"fourth", loss=0.1)  # records no accuracy: not a candidate
    assert repo.aliases(MODEL)[MODEL]["best"] == 1

    repo.unfollow_alias(MODEL, "best")
    _train(repo, b"fifth", accuracy=0.99)
    assert repo.aliases(MODEL)[MODEL]["best"] == 1
    assert repo.alias_follows(MODEL) == {}
    kinds = [e.kind for e in repo.registry_history()]
    assert kinds.count("follow") == 2


def test_min_rule_and_bad_rules(repo: Repository) -> None:
    repo.follow_alias(MODEL, "lowest", "min loss")
    _train(repo, b"better", loss=0.2)
    assert repo.aliases(MODEL)[MODEL]["lowest"] == 1
    assert repo.alias_history(MODEL)[0].message == "loss 0.2 < 0.4"
    _train(repo, b"worse", loss=0.3)
    assert repo.aliases(MODEL)[MODEL]["lowest"] == 1
    with pytest.raises(RegistryError, match="'max METRIC' or 'min METRIC'"):
        repo.follow_alias(MODEL, "best", "highest accuracy")
    with pytest.raises(RegistryError, match="follows no metric"):
        repo.unfollow_alias(MODEL, "nothing")


def test_cli_follow_and_no_follow(repo: Repository, monkeypatch, capsys) -> None:
    monkeypatch.chdir(repo.root)
    assert main(["alias", MODEL, "best", "--follow", "max accuracy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["follow"]["rule"] == "max accuracy" and data["version"]["label"] == "v0"
    (repo.root / MODEL).write_bytes(b"cli")
    assert main(["snapshot", MODEL, "-m", "retrain", "--metric", "accuracy=0.95"]) == 0
    capsys.readouterr()
    assert main(["alias"]) == 0
    listed = capsys.readouterr().out
    assert f"{MODEL}@best -> v1" in listed and "follows max accuracy (holder: 0.95)" in listed
    assert main(["alias", MODEL, "best", "--no-follow"]) == 0
    assert "follows no metric any more" in capsys.readouterr().out
    assert main(["alias", MODEL, "best", "--follow", "best accuracy", "--json"]) == 1
    assert "max METRIC" in json.loads(capsys.readouterr().out)["message"]

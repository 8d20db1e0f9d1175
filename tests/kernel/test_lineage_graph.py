"""Lineage as a graph: data -> features -> model over three snapshots, from real capture."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_mlversion.cli.main import main
from jupyter_mlversion.core.repository import Repository

SETUP = (
    "import os, pathlib\n"
    "def put(path, text):\n"
    "    os.makedirs(os.path.dirname(path), exist_ok=True)\n"
    "    with open(path, 'w') as out:\n"
    "        out.write(text)\n"
    "def get(path):\n"
    "    with open(path) as source:\n"
    "        return source.read()"
)
RAW = "put('data/raw.csv', {!r})"
FEATURES = "put('data/features.csv', ' '.join(str(len(r)) for r in get('data/raw.csv').split()))"
TRAIN = "put('models/model.txt', 'w=' + get('data/features.csv'))"


def _edges(graph: dict, kind: str) -> set[tuple[str, str]]:
    nodes = {n["id"]: {**n, "label": n.get("cell_id", n["label"])} for n in graph["nodes"]}
    return {
        (nodes[e["source"]]["label"], nodes[e["target"]]["label"])
        for e in graph["edges"]
        if e["kind"] == kind
    }


def test_lineage_of_a_model_goes_back_to_the_raw_data_across_snapshots(shell, project: Path):
    shell.run(SETUP, cell_id="setup")
    shell.run(RAW.format("a\nbb\n"), cell_id="raw")
    shell.run("%mlversion commit -m 'raw data'")
    shell.run(FEATURES, cell_id="features")
    shell.run("%mlversion commit -m 'features'")
    shell.run(TRAIN, cell_id="train")
    shell.run("%mlversion commit -m 'model'")
    repo = Repository.open(project)
    snaps = [s.id for s in reversed(repo.log())]
    assert len(snaps) == 3

    graph = repo.lineage("models/model.txt").to_dict()

    assert not graph["truncated"]
    wrote, read = _edges(graph, "wrote"), _edges(graph, "read")
    assert ("train", "models/model.txt@v0") in wrote
    assert ("data/features.csv@v0", "train") in read
    assert ("features", "data/features.csv@v0") in wrote
    assert ("data/raw.csv@v0", "features") in read
    assert ("raw", "data/raw.csv@v0") in wrote
    cells = {n["cell_id"]: n for n in graph["nodes"] if n["kind"] == "cell"}
    # Each cell run comes from the snapshot that recorded it: three different snapshots.
    assert [cells[c]["snapshot"] for c in ("raw", "features", "train")] == snaps
    assert {n["kind"] for n in graph["nodes"]} == {"file", "version", "cell"}

    # Bounded: one hop stops at the model's writer and says it was cut.
    short = repo.lineage("models/model.txt", depth=1).to_dict()
    assert short["truncated"]
    assert {n["cell_id"] for n in short["nodes"] if n["kind"] == "cell"} == {"train"}
    tiny = repo.lineage("models/model.txt", max_nodes=3).to_dict()
    assert tiny["truncated"] and len(tiny["nodes"]) <= 3


def test_a_new_model_version_traces_to_the_data_version_it_came_from(shell, project: Path):
    shell.run(SETUP, cell_id="setup")
    shell.run(RAW.format("a\nbb\n"), cell_id="raw")
    shell.run(FEATURES, cell_id="features")
    shell.run(TRAIN, cell_id="train")
    shell.run("%mlversion commit -m 'first model'")
    shell.run(RAW.format("ccc\ndddd\neeeee\n"), cell_id="raw")
    shell.run(FEATURES, cell_id="features")
    shell.run(TRAIN, cell_id="train")
    shell.run("%mlversion commit -m 'second model'")
    # A cell that reads and rewrites its own file makes a loop the walk must end.
    shell.run("put('data/raw.csv', get('data/raw.csv') + 'f')", "loop")
    shell.run("%mlversion commit -m 'loop'")
    repo = Repository.open(project)

    graph = repo.lineage("models/model.txt@v1").to_dict()

    labels = {n["label"] for n in graph["nodes"] if n["kind"] == "version"}
    assert "data/raw.csv@v1" in labels and "data/raw.csv@v0" not in labels
    assert "models/model.txt@v0" not in labels
    whole = repo.lineage("models/model.txt").to_dict()
    assert len(whole["roots"]) == 2
    ids = [n["id"] for n in whole["nodes"]]
    assert len(ids) == len(set(ids))  # each version and cell run once


def test_cli_lineage_json_and_text(shell, project: Path, capsys) -> None:
    shell.run(SETUP, cell_id="setup")
    shell.run(RAW.format("a\n"), cell_id="raw")
    shell.run(FEATURES, cell_id="features")
    shell.run("%mlversion commit -m 'features'")
    capsys.readouterr()
    assert main(["lineage", "data/features.csv", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == "data/features.csv" and data["roots"]
    assert main(["lineage", "data/features.csv"]) == 0
    text = capsys.readouterr().out
    assert "data/features.csv@v0" in text and "<- cell features [" in text
    assert "data/raw.csv@v0" in text
    assert main(["lineage", "nothing.csv", "--json"]) == 1
    error = json.loads(capsys.readouterr().out)
    assert "nothing.csv" in error["message"]
    shell.run("%mlversion lineage data/features.csv")


def test_magic_follow_moves_best_on_a_better_logged_metric(shell, project: Path) -> None:
    shell.run(SETUP, cell_id="setup")
    shell.run(RAW.format("a\n"), cell_id="raw")
    shell.run(TRAIN.replace("get('data/features.csv')", "get('data/raw.csv')"), cell_id="train")
    shell.run("from jupyter_mlversion.kernel import log_metric\nlog_metric('accuracy', 0.8)")
    shell.run("%mlversion commit -m 'first model'")
    shell.run("%mlversion alias models/model.txt best --follow 'max accuracy'")
    shell.run(RAW.format("a\nbb\n"), cell_id="raw")
    shell.run(TRAIN.replace("get('data/features.csv')", "get('data/raw.csv')"), cell_id="train")
    shell.run("log_metric('accuracy', 0.85)")
    shell.run("%mlversion commit -m 'better model'")  # the kernel's snapshot moves it too
    repo = Repository.open(project)
    assert repo.aliases("models/model.txt")["models/model.txt"]["best"] == 1
    assert repo.alias_history("models/model.txt")[0].message == "accuracy 0.85 > 0.8"
    shell.run("%mlversion alias models/model.txt best --no-follow")
    assert repo.alias_follows() == {}

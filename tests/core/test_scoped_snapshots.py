"""A snapshot records what its caller asked for, and says who holds what did not change."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_mlversion.core.repository import Repository

WRITER = textwrap.dedent(
    """
    import json, sys
    from jupyter_mlversion.core.repository import Repository
    root, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in range(rounds):
        path = f"{root}/{name}.txt"
        with open(path, "w") as out:
            out.write(f"{name} round {n}\\n")
        with Repository.open(root) as repo:
            result = repo.snapshot([path], message=f"{name} {n}")
        print(json.dumps({"created": result.created, "note": result.note(),
                          "recorded": [r.path for r in result.recorded]}), flush=True)
    """
)


@pytest.mark.timeout(600)
def test_eight_writers_each_commit_only_their_own_file(tmp_path: Path) -> None:
    Repository.init(tmp_path)
    names = [f"w{i}" for i in range(8)]
    for name in names:
        (tmp_path / f"{name}.txt").write_text("start\n")
    rounds = 25
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, str(rounds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outputs = [p.communicate(timeout=500)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    results = [json.loads(line) for out in outputs for line in out.splitlines()]
    assert len(results) == 8 * rounds
    # Each caller changed its file every round: each round made its own snapshot.
    assert all(r["created"] for r in results), [r for r in results if not r["created"]][:3]
    repo = Repository.open(tmp_path)
    snaps = repo.log()
    assert len(snaps) == 8 * rounds
    for snap in snaps:
        owner, _round = snap.message.split()
        _, files = repo.show(snap.id)
        parent = repo.files_at(snap.parents[0]) if snap.parents else {}
        changed = {f.path for f in files if parent.get(f.path) is None or parent[f.path].id != f.id}
        assert changed == {f"{owner}.txt"}, (snap.message, changed)


def test_nothing_changed_names_the_snapshot_that_holds_the_file(make_project) -> None:
    repo = make_project({"a.csv": "x\n1\n", "b.csv": "y\n2\n"})
    repo.snapshot(["a.csv", "b.csv"], message="both")
    (repo.root / "a.csv").write_text("x\n1\n2\n")
    other = repo.snapshot(message="everything, by someone else", author=("bob", "b@x"))
    assert other.created
    mine = repo.snapshot(["a.csv"], message="my a.csv")
    assert not mine.created
    (held,) = mine.recorded
    assert (held.path, held.snapshot, held.author) == ("a.csv", other.snapshot.id, "bob")
    assert other.snapshot.short_id in mine.note() and "bob" in mine.note()


def test_paths_snapshot_keeps_other_files_at_their_parent_version(make_project) -> None:
    repo = make_project({"a.csv": "1\n", "b.csv": "2\n"})
    first = repo.snapshot(["a.csv", "b.csv"], message="both").snapshot
    (repo.root / "a.csv").write_text("11\n")
    (repo.root / "b.csv").write_text("22\n")
    result = repo.snapshot(["a.csv"], message="only a")
    assert [c.path for c in result.changes] == ["a.csv"]
    files = {f.path: f.id for f in repo.show("HEAD")[1]}
    assert files["b.csv"] == {f.path: f.id for f in repo.show(first.id)[1]}["b.csv"]
    status = repo.status()
    assert [c.path for c in status.changes] == ["b.csv"] and not status.clean


def test_removing_a_named_file_is_recorded(make_project) -> None:
    repo = make_project({"a.csv": "1\n", "b.csv": "2\n"})
    repo.snapshot(["a.csv", "b.csv"], message="both")
    (repo.root / "a.csv").unlink()
    result = repo.snapshot(["a.csv"], message="drop a")
    assert [(c.path, c.status) for c in result.changes] == [("a.csv", "removed")]
    with pytest.raises(Exception, match="no such file"):
        repo.snapshot(["never.csv"], message="x")


def test_tracking_patterns_from_config(make_project) -> None:
    repo = make_project({"a.csv": "1\n", "models/m.safetensors": b"w"})
    config = repo.meta / "config.toml"
    config.write_text(
        config.read_text().replace(
            "track_patterns = []", 'track_patterns = ["models/*.safetensors"]'
        )
    )
    repo = Repository.open(repo.root)
    result = repo.snapshot(["a.csv"], message="a")
    assert [c.path for c in result.changes] == ["a.csv"]  # paths alone: just those
    everything = repo.snapshot(message="all")
    assert [c.path for c in everything.changes] == ["models/m.safetensors"]

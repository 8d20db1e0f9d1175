"""The Repository facade end to end, on real files and a real git history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import (
    NotAProjectError,
    ProjectExistsError,
    ReferenceNotFoundError,
)
from jupyter_mlversion.core.repository import Repository

CSV = "id,x\n" + "".join(f"{i},{i * 2}\n" for i in range(200))


def test_init_and_open_walk_up(make_project, tmp_path):
    repo = make_project({"data/a.csv": CSV})
    sub = repo.root / "data"
    assert Repository.open(sub).root == repo.root
    with pytest.raises(ProjectExistsError):
        Repository.init(repo.root)
    with pytest.raises(NotAProjectError, match="mlversion init"):
        Repository.open(tmp_path)


def test_snapshot_records_files_metrics_and_nothing_changed(make_project):
    repo = make_project({"data/a.csv": CSV, "model.pkl": os.urandom(5000)})
    first = repo.snapshot(["data", "model.pkl"], message="first", metrics={"acc": 0.5})
    assert first.created
    assert {c.path: c.status for c in first.changes} == {
        "data/a.csv": "added",
        "model.pkl": "added",
    }
    kinds = {f.path: f.kind for f in repo.show("HEAD")[1]}
    assert kinds == {"data/a.csv": "dataset", "model.pkl": "model"}
    again = repo.snapshot(message="nothing new")
    assert not again.created
    assert repo.count() == 1


def test_status_sees_modified_added_removed(make_project):
    repo = make_project({"data/a.csv": CSV, "data/b.csv": CSV})
    repo.snapshot(["data"], message="base")
    (repo.root / "data/a.csv").write_text(CSV + "999,1\n")
    (repo.root / "data/b.csv").unlink()
    (repo.root / "data/c.csv").write_text(CSV)
    status = {c.path: c.status for c in repo.status().changes}
    assert status == {"data/a.csv": "modified", "data/b.csv": "removed", "data/c.csv": "added"}


def test_versions_aliases_and_artifact_references(make_project):
    repo = make_project({"m.pkl": b"one"})
    repo.snapshot(["m.pkl"], message="v0")
    (repo.root / "m.pkl").write_bytes(b"two")
    repo.snapshot(message="v1")
    (repo.root / "m.pkl").write_bytes(b"one")  # back to earlier content: still v0
    repo.snapshot(message="back")
    versions = repo.versions("m.pkl")
    assert [v.label for v in versions] == ["v0", "v1"]
    repo.set_alias("m.pkl", "best", "v1")
    assert repo.resolve_artifact("m.pkl@best").version == 1
    assert repo.resolve_artifact("m.pkl@HEAD").version == 0
    repo.set_alias("m.pkl", "best", 0, message="v0 is better after all")
    moves = [(e.old_version, e.new_version) for e in repo.alias_history("m.pkl")]
    assert moves == [(1, 0), (None, 1)]
    with pytest.raises(ReferenceNotFoundError, match=r"v0\.\.v1"):
        repo.resolve_artifact("m.pkl@v7")


def test_references_head_tilde_prefix_tag(make_project):
    repo = make_project({"a.txt": "1"})
    ids = []
    for n in range(3):
        (repo.root / "a.txt").write_text(str(n))
        ids.append(repo.snapshot(["a.txt"], message=f"s{n}").snapshot.id)
    assert repo.resolve("HEAD") == ids[2]
    assert repo.resolve("HEAD~2") == ids[0]
    assert repo.resolve(ids[1][:8]) == ids[1]
    repo.tag("release-1.0", "HEAD~1")
    assert repo.resolve("release-1.0") == ids[1]
    assert repo.log()[1].tags == ("release-1.0",)
    with pytest.raises(ReferenceNotFoundError, match="3 snapshot"):
        repo.resolve("HEAD~9")


def test_diff_reports_files_versions_and_metric_deltas(make_project):
    repo = make_project({"d.csv": CSV, "gone.txt": "x"})
    repo.snapshot(["d.csv", "gone.txt"], message="a", metrics={"acc": 0.5}, params={"lr": 0.1})
    (repo.root / "d.csv").write_text(CSV + "1,1\n")
    (repo.root / "gone.txt").unlink()
    repo.snapshot(message="b", metrics={"acc": 0.75}, params={"lr": 0.1})
    diff = repo.diff("HEAD~1", "HEAD")
    files = {c.path: (c.status, c.old_version, c.new_version) for c in diff.files}
    assert files == {"d.csv": ("modified", 0, 1), "gone.txt": ("removed", 0, None)}
    acc = next(m for m in diff.metrics if m.name == "acc")
    assert acc.delta == pytest.approx(0.25)


def test_restore_keeps_unsaved_work_in_a_safety_snapshot(make_project):
    repo = make_project({"d.csv": "v0\n"})
    repo.snapshot(["d.csv"], message="v0")
    (repo.root / "d.csv").write_text("v1\n")
    repo.snapshot(message="v1")
    (repo.root / "d.csv").write_text("unsaved edit\n")
    dry = repo.restore(["d.csv"], to="HEAD~1", dry_run=True)
    assert [i.action for i in dry.items] == ["write"]
    assert (repo.root / "d.csv").read_text() == "unsaved edit\n"
    result = repo.restore(["d.csv"], to="HEAD~1")
    assert (repo.root / "d.csv").read_text() == "v0\n"
    assert result.safety_snapshot is not None
    # The unsaved edit is now a version of its own, restorable byte for byte.
    repo.restore(["d.csv"], to=result.safety_snapshot)
    assert (repo.root / "d.csv").read_text() == "unsaved edit\n"


def test_restore_of_saved_work_takes_no_safety_snapshot(make_project):
    repo = make_project({"d.csv": "v0\n"})
    repo.snapshot(["d.csv"], message="v0")
    (repo.root / "d.csv").write_text("v1\n")
    repo.snapshot(message="v1")
    result = repo.restore(to="d.csv@v0")
    assert result.safety_snapshot is None
    assert repo.count() == 2
    assert (repo.root / "d.csv").read_text() == "v0\n"


def test_checkout_restores_notebooks_and_deletes_later_files(make_project):
    nb = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    repo = make_project({"n.ipynb": nb, "a.txt": "a"})
    repo.snapshot(["n.ipynb", "a.txt"], message="one")
    (repo.root / "n.ipynb").write_text(nb.replace("[]", '[{"x": 1}]'))
    (repo.root / "b.txt").write_text("b")
    repo.snapshot(["b.txt"], message="two")
    repo.checkout("HEAD~1")
    assert (repo.root / "n.ipynb").read_text() == nb
    assert not (repo.root / "b.txt").exists()
    assert repo.history.read_blob(repo.resolve("HEAD"), "n.ipynb") is not None


def test_registry_register_promote_and_history(make_project):
    repo = make_project({"m.onnx": b"model-1"})
    repo.snapshot(["m.onnx"], message="m1")
    (repo.root / "m.onnx").write_bytes(b"model-2")
    repo.snapshot(message="m2")
    repo.register_model("clf", "m.onnx@v0")
    repo.register_model("clf", "m.onnx")
    repo.promote_model("clf", 1, "production", reason="baseline")
    repo.promote_model("clf", 2, "production", reason="better")
    (model,) = repo.registered_models()
    assert [(v.number, v.artifact_version, v.stage) for v in model.versions] == [
        (1, 0, "archived"),
        (2, 1, "production"),
    ]
    assert len(repo.registry_history("clf")) >= 4


def test_index_is_only_a_cache(make_project):
    repo = make_project({"a.csv": CSV})
    repo.snapshot(["a.csv"], message="one")
    (repo.root / "a.csv").write_text(CSV + "1,2\n")
    repo.snapshot(message="two", metrics={"m": 1.0})
    before = [(s.id, s.message, s.metrics) for s in repo.log()]
    repo.close()
    for name in os.listdir(repo.meta):
        if name.startswith("index.sqlite"):
            os.remove(repo.meta / name)
    fresh = Repository.open(repo.root)
    assert [(s.id, s.message, s.metrics) for s in fresh.log()] == before
    assert [v.label for v in fresh.versions("a.csv")] == ["v0", "v1"]
    assert not fresh.status().changes


def test_verify_detects_corruption_and_gc_removes_unreachable(make_project):
    repo = make_project({"big.bin": os.urandom(300_000)})
    repo.snapshot(["big.bin"], message="one")
    assert repo.verify().ok
    stray = repo.store.put_bytes(b"nobody needs me")
    report = repo.gc(dry_run=True)
    assert report.unreachable >= 1
    assert repo.store.has(stray)
    repo.gc(dry_run=False)
    assert not repo.store.has(stray)
    assert repo.verify().ok
    # Flip one byte of a stored object: verify must name it.
    objects = [
        Path(d) / f
        for d, _, files in os.walk(repo.meta / "objects")
        for f in files
        if not f.startswith(".")
    ]
    victim = max(objects, key=lambda p: p.stat().st_size)
    victim.chmod(0o644)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    assert not repo.verify().ok


def test_path_filtered_log_and_paging(make_project):
    repo = make_project({"a.txt": "0", "b.txt": "0"})
    repo.snapshot(["a.txt", "b.txt"], message="both")
    for n in range(1, 4):
        (repo.root / "a.txt").write_text(str(n))
        repo.snapshot(message=f"a{n}")
    (repo.root / "b.txt").write_text("1")
    repo.snapshot(message="b1")
    assert [s.message for s in repo.log(path="b.txt")] == ["b1", "both"]
    assert [s.message for s in repo.log(limit=2, offset=1)] == ["a3", "a2"]
    assert repo.count(path="a.txt") == 4


def test_projects_can_share_one_object_store(make_project, tmp_path, monkeypatch):
    shared = tmp_path / "team-store"
    payload = os.urandom(400_000)
    first = make_project({"d.bin": payload}, name="alice")
    second = make_project({"d.bin": payload}, name="bob")
    for repo in (first, second):
        config = repo.meta / "config.toml"
        config.write_text(config.read_text().replace('path = "objects"', f'path = "{shared}"'))
    first.snapshot(["d.bin"], message="alice's copy")
    stored = sum(p.stat().st_size for p in shared.rglob("*") if p.is_file())
    assert stored >= len(payload)
    second.snapshot(["d.bin"], message="bob's copy")
    again = sum(p.stat().st_size for p in shared.rglob("*") if p.is_file())
    assert again < stored + 10_000  # the same bytes are stored once
    assert not any((second.meta / "objects").rglob("*.pack"))
    (second.root / "d.bin").write_bytes(b"changed")
    second.restore(to="d.bin@v0")
    assert (second.root / "d.bin").read_bytes() == payload
    # MLVERSION_STORE overrides the configuration for every project.
    elsewhere = tmp_path / "env-store"
    monkeypatch.setenv("MLVERSION_STORE", str(elsewhere))
    assert Repository.open(first.root).store_root == elsewhere


def test_log_search_matches_message_author_id_and_tags(make_project):
    repo = make_project({"a.txt": "0"})
    ids = []
    for n, message in enumerate(["Baseline model", "Add March data", "Tune depth"]):
        (repo.root / "a.txt").write_text(str(n))
        ids.append(repo.snapshot(["a.txt"], message=message).snapshot.id)
    repo.tag("release-1", ids[1])
    assert [s.message for s in repo.log(query="march")] == ["Add March data"]
    assert [s.message for s in repo.log(query="RELEASE")] == ["Add March data"]
    assert [s.id for s in repo.log(query=ids[2][:7])] == [ids[2]]
    assert repo.count(query="tester") == 3  # the author
    assert repo.log(query="%") == []


def test_nothing_changed_shortcut_never_hides_a_change(make_project):
    repo = make_project({"a.txt": "one", "b.txt": "two"})
    repo.snapshot(["a.txt", "b.txt"], message="base")
    assert not repo.snapshot(message="again").created  # remembers the tree as clean
    assert not repo.snapshot(message="and again").created  # answered from the digest
    (repo.root / "a.txt").write_text("ONE")  # same size, new content
    result = repo.snapshot(message="edit")
    assert [c.path for c in result.changes] == ["a.txt"]
    (repo.root / "c.txt").write_text("new")
    repo.track(["c.txt"])
    assert [c.path for c in repo.snapshot(message="track c").changes] == ["c.txt"]

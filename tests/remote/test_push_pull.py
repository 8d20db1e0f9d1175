"""Clone, push, pull and fetch between clones through a real remote (a folder and S3)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import (
    InvalidNameError,
    NonFastForwardError,
    UnsavedWorkError,
)
from jupyter_mlversion.core.repository import Repository

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def _project(make_project: Callable[..., Repository], url: str) -> Repository:
    repo = make_project(
        {"train.ipynb": NOTEBOOK, "data/big.bin": os.urandom(4_000_000), "small.csv": "a,b\n1,2\n"}
    )
    repo.snapshot(["train.ipynb", "data", "small.csv"], message="first")
    repo.tag("v1")
    repo.set_alias("data/big.bin", "best")
    repo.remote_add("origin", url)
    return repo


def test_clone_brings_history_names_and_notebooks_and_data_comes_when_restored(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    pushed = alice.push()
    assert pushed.snapshots == 1 and pushed.objects > 3 and pushed.tags == ("v1",)

    bob = clone(remote_url, "bob", data=False)
    assert [s.message for s in bob.log()] == ["first"]
    assert bob.tags() == alice.tags() and bob.aliases() == {"data/big.bin": {"best": 0}}
    assert (bob.root / "train.ipynb").read_text() == NOTEBOOK
    assert not (bob.root / "data" / "big.bin").exists()
    big = alice.files_at(alice.head())["data/big.bin"]  # type: ignore[arg-type]
    assert not bob.store.has(big.id), "data must stay on the remote until it is needed"

    labels: list[str] = []
    bob.restore(["data/big.bin"], progress=lambda done, total, label: labels.append(label))
    assert (bob.root / "data/big.bin").read_bytes() == (alice.root / "data/big.bin").read_bytes()
    assert any("downloading from origin" in label for label in labels)
    assert bob.store.has(big.id)


def test_data_left_on_the_remote_by_a_no_data_clone_is_not_a_deletion(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob", data=False)
    big = alice.files_at(alice.head())["data/big.bin"]  # type: ignore[arg-type]
    assert not (bob.root / "data/big.bin").exists()
    assert bob.status().clean, bob.status()

    (bob.root / "train.ipynb").write_text(NOTEBOOK.replace('"cells": []', '"cells": [ ]'))
    (bob.root / "notes.txt").write_text("bob was here\n")
    made = bob.snapshot(["notes.txt"], message="notes")  # a plain snapshot, data absent
    assert all(c.status != "removed" for c in made.changes), made.changes
    made = bob.snapshot(message="everything")
    assert all(c.status != "removed" for c in made.changes), made.changes
    assert bob.files_at(bob.head())["data/big.bin"].id == big.id  # type: ignore[arg-type]

    bob.restore(["data/big.bin"])
    assert (bob.root / "data/big.bin").read_bytes() == (alice.root / "data/big.bin").read_bytes()
    left = json.loads((bob.meta / "unfetched.json").read_text())["files"]
    assert set(left) == {"small.csv"}  # big.bin was written; small.csv is still remote-only
    (bob.root / "data/big.bin").unlink()  # now a deletion is a deletion
    assert [(c.path, c.status) for c in bob.status().changes] == [("data/big.bin", "removed")]


def test_push_then_pull_moves_snapshots_files_and_aliases(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob")
    assert (bob.root / "data/big.bin").read_bytes() == (alice.root / "data/big.bin").read_bytes()

    (bob.root / "small.csv").write_text("a,b\n1,2\n3,4\n")
    (bob.root / "data/big.bin").unlink()
    bob.snapshot(message="bob's edit")
    bob.set_alias("small.csv", "best")
    assert bob.push().snapshots == 1

    pulled = alice.pull()
    assert pulled.action == "fast-forward" and pulled.snapshots == 1
    assert (alice.root / "small.csv").read_text() == "a,b\n1,2\n3,4\n"
    assert not (alice.root / "data/big.bin").exists()
    assert alice.head() == bob.head()
    assert alice.aliases()["small.csv"] == {"best": 1}
    assert alice.status().clean
    assert [r.to_dict()["behind"] for r in alice.remote_status()] == [0]
    assert alice.pull().action == "up-to-date"


def test_a_small_edit_uploads_about_one_chunk_and_shared_data_is_stored_once(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    data = bytearray((alice.root / "data/big.bin").read_bytes())
    data[2_000_000:2_000_100] = b"x" * 100
    (alice.root / "data/big.bin").write_bytes(bytes(data))
    alice.snapshot(message="100 bytes changed")
    edit = alice.push()
    # One or two new chunks (the edit may straddle a cut) and the new manifest.
    assert edit.objects <= 3 and edit.bytes < 0.7 * len(data), edit.to_dict()

    bob = clone(remote_url, "bob", data=False)
    (bob.root / "copy.bin").write_bytes(bytes(data))  # the same bytes under another name
    bob.snapshot(["copy.bin"], message="same data again")
    again = bob.push()
    assert again.objects == 0 and again.skipped > 0, again.to_dict()


def test_concurrent_push_one_wins_the_other_is_refused_and_keeps_its_snapshot(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob")  # with data: a --no-data clone lacks files a merge reads
    (alice.root / "small.csv").write_text("alice\n")
    alice.snapshot(message="alice")
    (bob.root / "notes.txt").write_text("bob\n")
    bob.snapshot(["notes.txt"], message="bob")
    alice.push()
    with pytest.raises(NonFastForwardError, match=r"1 new snapshot\(s\).*run mlversion pull"):
        bob.push()
    assert bob.log()[0].message == "bob"  # nothing lost locally
    assert [s.message for s in clone(remote_url, "carol", data=False).log()] == ["alice", "first"]
    assert bob.remote_status()[0].to_dict() | {"tracking": None} == {
        "name": "origin", "url": bob.remotes()[0]["url"], "branch": "main",
        "tracking": None, "ahead": 1, "behind": 1,
    }  # fmt: skip
    pulled = bob.pull()  # the two lines are merged: alice's file and bob's both stay
    assert pulled.action == "merged" and pulled.snapshots == 1
    assert (bob.root / "small.csv").read_text() == "alice\n"
    assert (bob.root / "notes.txt").read_text() == "bob\n"
    head = bob.log()[0]
    assert len(head.parents) == 2 and head.id == pulled.merge["snapshot"]
    bob.push()  # now a fast-forward of the remote
    carol = clone(remote_url, "carol2", data=True)
    assert {"alice", "bob", "first"} <= {s.message for s in carol.log()}
    assert (carol.root / "notes.txt").read_text() == "bob\n"
    assert (carol.root / "small.csv").read_text() == "alice\n"


def test_pull_of_a_conflicting_change_waits_for_resolve_then_pushes(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob", data=True)
    (alice.root / "small.csv").write_bytes(b"alice\x00binary")
    alice.snapshot(message="alice")
    alice.push()
    (bob.root / "small.csv").write_bytes(b"bob\x00binary")
    bob.snapshot(message="bob")
    pulled = bob.pull()
    assert pulled.action == "conflicts"
    assert [c["path"] for c in pulled.merge["conflicts"]] == ["small.csv"]
    assert bob.log()[0].message == "bob"  # nothing committed while the conflict waits
    with pytest.raises(NonFastForwardError):
        bob.push()
    bob.resolve_conflict("small.csv", "theirs")
    merged = bob.merge_continue(message="take alice's table")
    assert merged.state == "merged"
    assert (bob.root / "small.csv").read_bytes() == b"alice\x00binary"
    bob.push()
    assert alice.pull().action == "fast-forward"
    assert alice.log()[0].message == "take alice's table"


def test_pull_refuses_to_overwrite_unsaved_work(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob", data=False)
    (alice.root / "small.csv").write_text("from alice\n")
    alice.snapshot(message="alice")
    alice.push()
    (bob.root / "small.csv").write_text("bob's unsaved work\n")
    before = bob.head()
    with pytest.raises(UnsavedWorkError, match="small.csv"):
        bob.pull()
    assert bob.head() == before
    assert (bob.root / "small.csv").read_text() == "bob's unsaved work\n"


def test_registry_moves_from_two_clones_merge_as_events(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob", data=False)
    alice.register_model("clf", "data/big.bin@v0")
    alice.set_alias("small.csv", "prod")
    bob.set_alias("data/big.bin", "candidate")
    bob.tag("bobs-tag")
    alice.push()
    bob.push()  # the registry lines diverged: bob's moves are replayed on alice's
    carol = clone(remote_url, "carol", data=False)
    assert carol.aliases() == {
        "data/big.bin": {"best": 0, "candidate": 0},
        "small.csv": {"prod": 0},
    }
    assert [m.name for m in carol.registered_models()] == ["clf"]
    assert set(carol.tags()) == {"v1", "bobs-tag"}
    moves = [(e.path, e.alias) for e in carol.alias_history()]
    assert moves[0] == ("data/big.bin", "candidate")
    assert {("small.csv", "prod"), ("data/big.bin", "best")} <= set(moves)


def test_fetch_data_downloads_ahead(
    make_project: Callable[..., Repository], clone: Callable[..., Repository], remote_url: str
) -> None:
    alice = _project(make_project, remote_url)
    alice.push()
    bob = clone(remote_url, "bob", data=False)
    fetched = bob.fetch(data=True, paths=[bob.root / "data"])
    assert fetched.data_objects > 1 and fetched.data_bytes >= 4_000_000
    big = bob.files_at(bob.head())["data/big.bin"]  # type: ignore[arg-type]
    small = bob.files_at(bob.head())["small.csv"]  # type: ignore[arg-type]
    assert bob.store.has(big.id) and not bob.store.has(small.id)


def test_remote_urls_with_credentials_are_refused(
    make_project: Callable[..., Repository], tmp_path: Path
) -> None:
    repo = make_project()
    for url in ("s3://AKIA123:secret@bucket/p", "s3://bucket/p?X-Amz-Signature=abc"):
        with pytest.raises(InvalidNameError, match="never stored"):
            repo.remote_add("origin", url)
    for url in ("\x00", "team\nfolder", "s3://bucket/p\x7f"):
        with pytest.raises(InvalidNameError, match="control character"):
            repo.remote_add("origin", url)
    assert repo.remotes() == []
    assert not (repo.meta / "remotes.json").exists()
    repo.remote_add("origin", "s3://bucket/team/p")
    assert "secret" not in (repo.meta / "remotes.json").read_text()

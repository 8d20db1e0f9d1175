"""Tags never shadow snapshot ids, and deleting or re-creating a tag is recorded."""

from __future__ import annotations

import pytest

from jupyter_mlversion.core.errors import InvalidNameError


@pytest.mark.parametrize("name", ["8faf28cc", "beef", "DEADBEEF", "0" * 40])
def test_tag_names_that_read_as_id_prefixes_are_refused(make_project, name):
    repo = make_project({"a.txt": "a"})
    repo.snapshot(["a.txt"], message="one")
    with pytest.raises(InvalidNameError, match="snapshot id prefix"):
        repo.tag(name)
    with pytest.raises(InvalidNameError, match="snapshot id prefix"):
        (repo.root / "a.txt").write_text("b")
        repo.snapshot(message="two", tags=[name])
    assert repo.tags() == {}
    repo.tag("cafe-1")  # hex letters with a dash are fine
    repo.tag("abc")  # three digits are too short to be a prefix


def test_an_id_prefix_wins_over_an_older_tag_of_that_name(make_project):
    repo = make_project({"a.txt": "a"})
    first = repo.snapshot(["a.txt"], message="one").snapshot.id
    (repo.root / "a.txt").write_text("b")
    second = repo.snapshot(message="two").snapshot.id
    # A tag made before such names were refused, named like the second snapshot's id.
    repo.history.create_tag(second[:8], first, message="old", author=("t", "t@x"))
    assert repo.resolve(second[:8]) == second
    assert repo.show(second[:8])[0].id == second


def test_deleting_and_recreating_a_tag_is_recorded(make_project):
    repo = make_project({"a.txt": "a"})
    first = repo.snapshot(["a.txt"], message="one").snapshot.id
    (repo.root / "a.txt").write_text("b")
    second = repo.snapshot(message="two").snapshot.id
    repo.tag("release", first)
    repo.delete_tag("release", reason="tagged the wrong snapshot")
    repo.tag("release", second)
    events = [e for e in repo.registry_history() if e.kind == "tag"]
    assert [(e.detail["action"], e.detail["snapshot"]) for e in events] == [
        ("created", second),
        ("deleted", first),
        ("created", first),
    ]
    assert "tagged the wrong snapshot" in events[1].message
    assert events[1].author == "tester" and events[1].time

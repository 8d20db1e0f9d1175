"""Branches on real projects: create, switch, snapshot on both, references, delete, concurrency."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import (
    BranchNotMergedError,
    InvalidNameError,
    NameExistsError,
    ReferenceNotFoundError,
)
from jupyter_mlversion.core.repository import Repository


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    r = Repository.init(tmp_path)
    (tmp_path / "data.csv").write_text("id,x\n1,a\n")
    (tmp_path / "model.bin").write_bytes(b"m0")
    r.snapshot(["data.csv", "model.bin"], message="base")
    return r


def test_create_switch_and_snapshot_on_both(repo: Repository) -> None:
    root = repo.root
    base = repo.head()
    assert repo.current_branch() == "main" and repo.history.current_ref() == "refs/heads/main"
    repo.switch("feature", create=True)
    assert repo.current_branch() == "feature" and repo.history.current_ref() == "refs/heads/feature"
    (root / "data.csv").write_text("id,x\n1,a\n2,b\n")
    on_feature = repo.snapshot(message="feature rows").snapshot
    assert on_feature is not None and on_feature.parents == (base,)
    repo.switch("main")
    assert (root / "data.csv").read_text() == "id,x\n1,a\n"  # the tree moved back
    (root / "model.bin").write_bytes(b"m1")
    on_main = repo.snapshot(message="main model").snapshot
    assert on_main is not None and on_main.parents == (base,)
    assert [s.message for s in repo.log()] == ["main model", "base"]
    assert [s.message for s in repo.log(branch="feature")] == ["feature rows", "base"]
    assert [s.message for s in repo.log(branch="*")] == ["main model", "feature rows", "base"]
    assert repo.count(branch="*") == 3 and repo.count() == 2
    listed = {b.name: b for b in repo.branches().branches}
    assert listed["feature"].ahead == 1 and listed["feature"].behind == 1
    assert listed["main"].current and not listed["feature"].merged
    # the switch back wrote feature's files, verified, and status is clean there
    repo.switch("feature")
    assert (root / "data.csv").read_text() == "id,x\n1,a\n2,b\n"
    assert (root / "model.bin").read_bytes() == b"m0"
    assert repo.status().clean and repo.status().branch == "feature"


def test_switch_keeps_unsaved_work_in_a_safety_snapshot(repo: Repository) -> None:
    repo.create_branch("other")
    (repo.root / "other").mkdir()
    repo.switch("other")
    repo.switch("main")
    (repo.root / "model.bin").write_bytes(b"unsaved")
    repo.create_branch("side", "HEAD")
    (repo.root / "model.bin").write_bytes(b"unsaved")
    repo.switch("side", dry_run=True)
    assert (repo.root / "model.bin").read_bytes() == b"unsaved"  # a dry run writes nothing
    (repo.root / "data.csv").write_text("id,x\n9,z\n")
    result = repo.switch("side")
    kept = result.restore.safety_snapshot if result.restore else None
    assert kept is not None and repo.current_branch() == "side"
    # the unsaved content is in a snapshot on main, the branch that was left
    assert repo.log(branch="main")[0].id == kept
    assert b"".join(repo.read_bytes(repo.files_at(kept)["data.csv"], kept)) == b"id,x\n9,z\n"
    assert (repo.root / "data.csv").read_text() == "id,x\n1,a\n"


def test_references_branch_branch_n_and_path_at_branch(repo: Repository) -> None:
    first = repo.head()
    repo.switch("exp", create=True)
    (repo.root / "data.csv").write_text("id,x\n1,b\n")
    second = repo.snapshot(message="exp").snapshot
    assert second is not None
    repo.switch("main")
    assert repo.resolve("exp") == second.id
    assert repo.resolve("exp~1") == first
    version = repo.resolve_artifact("data.csv@exp")
    assert version.snapshot == second.id and version.version == 1
    assert repo.resolve_artifact("data.csv@main").version == 0
    with pytest.raises(ReferenceNotFoundError):
        repo.resolve("nosuchbranch")


def test_branch_names_hex_tags_and_collisions(repo: Repository) -> None:
    with pytest.raises(InvalidNameError, match="snapshot id prefix"):
        repo.create_branch("cafe1234")
    with pytest.raises(InvalidNameError):
        repo.create_branch("a..b")
    repo.tag("release")
    with pytest.raises(NameExistsError, match="already a tag"):
        repo.create_branch("release")
    repo.create_branch("dev")
    with pytest.raises(NameExistsError, match="is a branch"):
        repo.tag("dev")
    with pytest.raises(NameExistsError):
        repo.create_branch("dev")
    assert repo.resolve("dev") == repo.resolve("release") == repo.head()


def test_delete_refuses_unmerged_and_lists_what_is_lost(repo: Repository) -> None:
    repo.switch("doomed", create=True)
    (repo.root / "model.bin").write_bytes(b"lost?")
    lost = repo.snapshot(message="only here").snapshot
    assert lost is not None
    repo.switch("main")
    with pytest.raises(BranchNotMergedError, match=lost.id[:10]) as err:
        repo.delete_branch("doomed")
    assert err.value.unreachable == (lost.id,)
    assert repo.history.branch_head("doomed") == lost.id  # nothing was deleted
    gone = repo.delete_branch("doomed", force=True)
    assert gone.unreachable == (lost.id,) and repo.history.branch_head("doomed") is None
    with pytest.raises(ReferenceNotFoundError):
        repo.delete_branch("doomed")
    repo.create_branch("merged-already")
    assert repo.delete_branch("merged-already").unreachable == ()


def test_index_rebuilt_from_every_branch(repo: Repository) -> None:
    repo.switch("feat", create=True)
    (repo.root / "data.csv").write_text("id,x\n1,c\n")
    repo.snapshot(message="feat")
    repo.switch("main")
    repo.close()
    (repo.root / ".mlversion" / "index.sqlite").unlink()
    fresh = Repository.open(repo.root)
    assert [v.version for v in fresh.versions("data.csv")] == [0, 1]
    assert [s.message for s in fresh.log()] == ["base"]
    assert fresh.status().clean


def test_concurrent_snapshots_on_two_branches_lose_nothing(repo: Repository) -> None:
    repo.create_branch("other")
    root = repo.root
    errors: list[BaseException] = []

    def writer(branch: str, n: int) -> None:
        # Each writer commits straight to its branch's ref through the history, as a second
        # process would: the compare-and-swap must keep every commit.
        r = Repository.open(root)
        try:
            hist = r.history
            for i in range(n):
                while True:
                    head = hist.branch_head(branch)
                    try:
                        hist._commit_to(
                            f"refs/heads/{branch}",
                            changes={f"{branch}-{i}.txt": b"x"},
                            parent=head,
                            message=f"{branch} {i}",
                            author=("t", "t@x"),
                            when=None,
                        )
                        break
                    except Exception as exc:
                        if "moved" not in str(exc):
                            errors.append(exc)
                            return
        finally:
            r.close()

    threads = [threading.Thread(target=writer, args=(b, 10)) for b in ("main", "other") * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert repo.history.count(ref="refs/heads/main") == 21
    assert repo.history.count(ref="refs/heads/other") == 21


def test_snapshots_while_another_process_switches_lose_nothing(repo: Repository) -> None:
    repo.create_branch("other")
    root = repo.root
    taken: list[str] = []
    errors: list[BaseException] = []

    def snapshots() -> None:
        r = Repository.open(root)
        try:
            for i in range(6):
                (root / f"a-{i}.txt").write_text(f"content {i}")
                result = r.snapshot([root / f"a-{i}.txt"], message=f"a {i}")
                if result.snapshot is not None:
                    taken.append(result.snapshot.id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            r.close()

    def switches() -> None:
        r = Repository.open(root)
        try:
            for i in range(6):
                r.switch("other" if i % 2 == 0 else "main")
        except BaseException as exc:
            errors.append(exc)
        finally:
            r.close()

    threads = [threading.Thread(target=snapshots), threading.Thread(target=switches)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    on_branches = set(repo.history.reachable(list(repo.history.branches().values())))
    assert len(taken) == 6 and set(taken) <= on_branches
    for i in range(6):  # every content written is held by a snapshot on some branch
        held = [
            sha
            for sha in on_branches
            if (e := repo.files_at(sha).get(f"a-{i}.txt")) is not None
            and b"".join(repo.read_bytes(e, sha)) == f"content {i}".encode()
        ]
        assert held, f"a-{i}.txt was lost"

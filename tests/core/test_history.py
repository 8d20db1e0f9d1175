"""History against a real bare git repository: writes, reads, races, crashes, names."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import (
    AmbiguousReferenceError,
    ConcurrentUpdateError,
    InvalidNameError,
    NameExistsError,
    NotAProjectError,
    ReferenceNotFoundError,
)
from jupyter_mlversion.core.history import History, validate_ref_name

ME = ("Ann Example", "ann@example.org")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hist(tmp_path: Path) -> History:
    return History.init(tmp_path / "history.git")


def git(h: History, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={h.git_dir}", *args], capture_output=True, text=True, check=True
    ).stdout


def run_script(tmp_path: Path, name: str, body: str, *args: str) -> subprocess.Popen[bytes]:
    script = tmp_path / name
    script.write_text(textwrap.dedent(body))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


# -- writing and reading trees ------------------------------------------------
def test_open_requires_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAProjectError, match="no history repository"):
        History(tmp_path / "nothing.git")


def test_commit_roundtrip_nested_and_deletes(hist: History) -> None:
    assert hist.head() is None
    assert hist.log() == []
    first = hist.commit(
        {"nb.ipynb": b"{}", "data/raw/a.csv": b"x,y\n1,2\n", "models/m.ptr": b"id"},
        parent=None,
        message="first",
        author=ME,
        time=1_700_000_000,
    )
    assert hist.head() == first
    assert hist.read_blob(first, "data/raw/a.csv") == b"x,y\n1,2\n"
    assert hist.read_blob(first, "data/raw/missing.csv") is None
    assert hist.read_blob(first, "data/raw") is None  # a folder is not a file
    assert set(hist.list_tree(first)) == {"nb.ipynb", "data/raw/a.csv", "models/m.ptr"}
    assert sorted(hist.changed_paths(first)) == ["data/raw/a.csv", "models/m.ptr", "nb.ipynb"]

    second = hist.commit(
        {"data/raw/a.csv": None, "data/b.csv": b"b", "not/there": None},
        parent=first,
        message="second",
        author=ME,
    )
    tree = hist.list_tree(second)
    assert set(tree) == {"nb.ipynb", "data/b.csv", "models/m.ptr"}
    assert tree["nb.ipynb"] == hist.list_tree(first)["nb.ipynb"]
    assert sorted(hist.changed_paths(second)) == ["data/b.csv", "data/raw/a.csv"]
    # The old commit is untouched.
    assert hist.read_blob(first, "data/raw/a.csv") == b"x,y\n1,2\n"
    assert hist.read_blobs(second, ["nb.ipynb", "data/b.csv", "gone"]) == {
        "nb.ipynb": b"{}",
        "data/b.csv": b"b",
    }
    info = hist.log()[1]
    assert info.sha == first and info.parents == ()
    assert (info.author, info.email, info.message) == (ME[0], ME[1], "first")
    assert info.time == "2023-11-14T22:13:20Z"
    assert "fast_import_crash" not in " ".join(os.listdir(hist.git_dir))


def test_unusual_but_valid_paths(hist: History) -> None:
    paths = ['with space/"quoted".txt', "ünïcode/ñ.bin", "-dash", "x@v1"]
    sha = hist.commit({p: p.encode() for p in paths}, parent=None, message="m", author=ME)
    assert hist.read_blobs(sha, paths) == {p: p.encode() for p in paths}
    assert set(hist.list_tree(sha)) == set(paths)


@pytest.mark.parametrize(
    "path", ["", "/abs", "a/../b", "./a", "a//b", "a/", ".git/config", "a\nb", "a\tb", "a\\b"]
)
def test_bad_paths_refused(hist: History, path: str) -> None:
    with pytest.raises(InvalidNameError, match="invalid path"):
        hist.commit({path: b"x"}, parent=None, message="m", author=ME)
    assert hist.head() is None


def test_ten_thousand_paths_in_one_commit(hist: History) -> None:
    base = hist.commit({"README": b"r"}, parent=None, message="base", author=ME)
    files = {f"d{i % 100}/f{i}.txt": b"row,%d\n" % i * 20 for i in range(10_000)}
    start = time.perf_counter()
    sha = hist.commit(files, parent=base, message="big", author=ME)
    took = time.perf_counter() - start
    print(f"\ncommit of 10,000 new paths: {took * 1000:.0f} ms")
    start = time.perf_counter()
    blobs = hist.read_blobs(sha, list(files))
    print(f"read_blobs of 10,000 paths: {(time.perf_counter() - start) * 1000:.0f} ms")
    assert blobs == files
    assert len(hist.changed_paths(sha)) == 10_000
    assert took < 2.0  # target is < 0.5 s; the margin keeps a loaded CI machine green
    edited = hist.commit(
        {"d5/f5.txt": b"new", "d6/f6.txt": None}, parent=sha, message="e", author=ME
    )
    assert sorted(hist.changed_paths(edited)) == ["d5/f5.txt", "d6/f6.txt"]
    assert len(hist.list_tree(edited)) == 10_000


# -- compare-and-swap and concurrency -------------------------------------------
def test_compare_and_swap_between_two_handles(hist: History) -> None:
    other = History(hist.git_dir)
    base = hist.commit({"a": b"1"}, parent=None, message="base", author=ME)
    won = hist.commit({"a": b"2"}, parent=base, message="mine", author=ME)
    with pytest.raises(ConcurrentUpdateError, match="refs/heads/main moved"):
        other.commit({"a": b"3"}, parent=base, message="theirs", author=ME)
    with pytest.raises(ConcurrentUpdateError):
        other.commit({"a": b"4"}, parent=None, message="root again", author=ME)
    assert hist.head() == won
    retried = other.commit({"a": b"3"}, parent=other.head(), message="theirs", author=ME)
    assert [c.message for c in hist.log()] == ["theirs", "mine", "base"]
    assert hist.log()[0].sha == retried


def test_unknown_parent_is_reported(hist: History) -> None:
    with pytest.raises(ReferenceNotFoundError, match="not a commit"):
        hist.commit({"a": b"1"}, parent="1" * 40, message="m", author=ME)
    with pytest.raises(InvalidNameError):
        hist.commit({"a": b"1"}, parent="HEAD", message="m", author=ME)


WRITER = """
    import sys
    from jupyter_mlversion.core.errors import ConcurrentUpdateError
    from jupyter_mlversion.core.history import History

    h = History(sys.argv[1])
    name, count = sys.argv[2], int(sys.argv[3])
    retries = 0
    for i in range(count):
        while True:
            head = h.head()
            try:
                h.commit({f"{name}/{i}": f"{name}{i}".encode()}, parent=head,
                         message=f"{name} {i}", author=(name, "w@x"))
                break
            except ConcurrentUpdateError:
                retries += 1
    print(retries)
"""


def test_concurrent_writers_lose_no_commit(hist: History, tmp_path: Path) -> None:
    hist.commit({"start": b""}, parent=None, message="start", author=ME)
    procs = [run_script(tmp_path, "w.py", WRITER, str(hist.git_dir), n, "25") for n in "ab"]
    retries = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        retries.append(int(out))
    print(f"\nretries after losing a race: {retries}")
    assert hist.count() == 51
    tree = hist.list_tree(hist.head() or "")
    assert {f"{n}/{i}" for n in "ab" for i in range(25)} <= set(tree)
    messages = {c.message for c in hist.log()}
    assert {f"{n} {i}" for n in "ab" for i in range(25)} <= messages


CRASHER = """
    import sys
    from jupyter_mlversion.core.errors import ConcurrentUpdateError
    from jupyter_mlversion.core.history import History

    h = History(sys.argv[1])
    i = 0
    print("ready", flush=True)
    while True:
        i += 1
        files = {f"run{sys.argv[2]}/f{i}/{k}": b"%d-%d" % (i, k) * 50 for k in range(300)}
        try:
            h.commit(files, parent=h.head(), message=f"c{i}", author=("k", "k@x"))
        except ConcurrentUpdateError:
            pass
"""


def test_kill_minus_nine_never_damages_history(hist: History, tmp_path: Path) -> None:
    hist.commit({"start": b""}, parent=None, message="start", author=ME)
    for round_ in range(6):
        proc = run_script(tmp_path, "crash.py", CRASHER, str(hist.git_dir), str(round_))
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.15 + 0.07 * round_)
        # Kill the writer and every git process it started, wherever they are.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        fsck = subprocess.run(
            ["git", f"--git-dir={hist.git_dir}", "fsck", "--full", "--no-dangling"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        log = hist.log()
        assert log[-1].message == "start"
        for info in log[:3]:
            hist.list_tree(info.sha)
    # A lock left by a killed update-ref is broken once it is stale; writing goes on.
    for lock in hist.git_dir.rglob("*.lock"):
        os.utime(lock, (time.time() - 3600, time.time() - 3600))
    _commit_with_retries(hist, {"after": b"ok"})
    assert hist.read_blob(hist.head() or "", "after") == b"ok"
    print(f"\ncommits that survived the kills: {hist.count()}")


def _commit_with_retries(hist: History, changes: dict[str, bytes | None]) -> str:
    errors = []
    for _ in range(4):
        try:
            return hist.commit(changes, parent=hist.head(), message="retry", author=ME)
        except ConcurrentUpdateError as exc:
            errors.append(str(exc))
    raise AssertionError("\n".join(errors))


def test_stale_lock_is_broken_fresh_lock_respected(hist: History) -> None:
    base = hist.commit({"a": b"1"}, parent=None, message="base", author=ME)
    fresh = hist.git_dir / "refs/heads/main.lock"
    fresh.write_text("")
    with pytest.raises(ConcurrentUpdateError, match=r"main\.lock"):
        hist.commit({"a": b"2"}, parent=base, message="blocked", author=ME)
    assert fresh.exists() and hist.head() == base  # a live writer's lock is left alone
    old = time.time() - 3600
    for lock in (fresh, hist.git_dir / "HEAD.lock"):
        lock.write_text("")
        os.utime(lock, (old, old))
    _commit_with_retries(hist, {"a": b"3"})
    assert hist.read_blob(hist.head() or "", "a") == b"3"


# -- log, counts, incremental listing -------------------------------------------
def test_log_filters_and_pages(hist: History) -> None:
    shas = []
    parent = None
    for i in range(6):
        changes = {"every": str(i).encode()}
        if i % 2 == 0:
            changes["even.txt"] = str(i).encode()
        parent = hist.commit(changes, parent=parent, message=f"m{i}", author=ME, time=1000 + i)
        shas.append(parent)
    assert [c.sha for c in hist.log()] == shas[::-1]
    assert [c.message for c in hist.log(path="even.txt")] == ["m4", "m2", "m0"]
    assert [c.message for c in hist.log(limit=2, offset=1)] == ["m4", "m3"]
    assert hist.count() == 6 and hist.count("even.txt") == 3 and hist.count("nope") == 0
    assert hist.log(path="*") == []  # a literal name, never a glob
    assert hist.rev_list() == shas
    assert hist.rev_list(shas[3]) == shas[4:]
    assert hist.rev_list(shas[-1]) == []
    with pytest.raises(ReferenceNotFoundError):
        hist.rev_list("f" * 40)
    assert [c.sha for c in hist.commit_infos([shas[2], shas[0]])] == [shas[2], shas[0]]


# -- references ---------------------------------------------------------------
def _commit_sha(tree: str, parent: str, who: str, stamp: int, message: str) -> str:
    body = (
        f"tree {tree}\nparent {parent}\nauthor {who} {stamp} +0000\n"
        f"committer {who} {stamp} +0000\n\n{message}\n"
    ).encode()
    return hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()


def test_rev_parse_forms(hist: History) -> None:
    a = hist.commit({"f": b"1"}, parent=None, message="a", author=ME, time=10)
    b = hist.commit({"f": b"2"}, parent=a, message="b", author=ME, time=20)
    c = hist.commit({"f": b"3"}, parent=b, message="c", author=ME, time=30)
    hist.create_tag("v1.0", a, message="first release", author=ME)
    assert hist.rev_parse("HEAD") == c
    assert hist.rev_parse("@") == c
    assert hist.rev_parse("HEAD~1") == b
    assert hist.rev_parse("HEAD~") == b
    assert hist.rev_parse("HEAD^") == b
    assert hist.rev_parse("HEAD^^") == a
    assert hist.rev_parse("HEAD~2") == a
    assert hist.rev_parse("HEAD~3") is None
    assert hist.rev_parse(c) == c
    assert hist.rev_parse(b[:7]) == b
    assert hist.rev_parse(b.upper()[:8]) == b
    assert hist.rev_parse("v1.0") == a
    assert hist.rev_parse("v1.0~0") == a
    assert hist.rev_parse(f"{c[:8]}~1") == b
    assert hist.rev_parse("no-such-tag") is None
    assert hist.rev_parse("0" * 40) is None
    assert hist.rev_parse("abc") is None  # too short to be an id, not a tag
    # A commit on another ref (the registry) is not a snapshot.
    state = hist.write_state("refs/mlversion/registry", {}, expected=None, message="s", author=ME)
    assert hist.rev_parse(state) is None


def test_rev_parse_ambiguous_prefix(hist: History) -> None:
    first = hist.commit({"f": b"1"}, parent=None, message="first", author=ME, time=100)
    tree = git(hist, "rev-parse", f"{first}^{{tree}}").strip()
    who = f"{ME[0]} <{ME[1]}>"
    # Find a message that gives a child commit sharing the parent's first 4 hex digits.
    n = 0
    while _commit_sha(tree, first, who, 200, f"x{n}")[:4] != first[:4]:
        n += 1
    second = hist.commit({}, parent=first, message=f"x{n}", author=ME, time=200)
    assert second[:4] == first[:4]
    with pytest.raises(AmbiguousReferenceError, match=f"'{first[:4]}' matches 2 snapshots"):
        hist.rev_parse(first[:4])
    assert hist.rev_parse(first[:12]) == first
    assert hist.rev_parse(second[:12]) == second


BAD_NAMES = [
    ("", "empty"),
    ("-rf", "starts with '-'"),
    ("a..b", "'..'"),
    ("main@{1}", "'@{'"),
    ("a b", "a space"),
    ("a:b", "':'"),
    ("a~1x", "'~'"),
    ("a^", "'^'"),
    ("what?", "'?'"),
    ("st*r", "'*'"),
    ("br[acket", "'['"),
    ("back\\slash", "backslash"),
    ("ctl\x07", "control character"),
    ("new\nline", "control character"),
    (".hidden", "starts with '.'"),
    ("x/.y", "starts with '.'"),
    ("ref.lock", "ends with '.lock'"),
    ("a/", "empty '/'"),
    ("a//b", "empty '/'"),
    ("dot.", "ends with '.'"),
    ("@", "'@'"),
    ("HEAD", "'HEAD'"),
    ("x" * 300, "characters"),
]


@pytest.mark.parametrize(("name", "part"), BAD_NAMES)
def test_bad_names_rejected(hist: History, name: str, part: str) -> None:
    with pytest.raises(InvalidNameError, match=re.escape(part)):
        validate_ref_name("tag", name)
    a = hist.commit({"f": b""}, parent=None, message="a", author=ME)
    with pytest.raises(InvalidNameError):
        hist.create_tag(name, a, message="m", author=ME)
    assert hist.tags() == {}


@pytest.mark.parametrize(
    "name", ["-all", "--output=/tmp/x", "HEAD..HEAD~1", "HEAD@{0}", "a b", "x:y"]
)
def test_rev_parse_refuses_misreadable_names(hist: History, name: str) -> None:
    hist.commit({"f": b""}, parent=None, message="a", author=ME)
    with pytest.raises(InvalidNameError):
        hist.rev_parse(name)


def test_kind_specific_name_rules() -> None:
    assert validate_ref_name("tag", "release/1.0") == "release/1.0"
    assert validate_ref_name("alias", "best") == "best"
    with pytest.raises(InvalidNameError, match="looks like a version"):
        validate_ref_name("alias", "v3")
    with pytest.raises(InvalidNameError, match="single word"):
        validate_ref_name("alias", "team/best")
    with pytest.raises(InvalidNameError, match="'@'"):
        validate_ref_name("model", "clf@prod")


# -- tags -----------------------------------------------------------------------
def test_tags(hist: History) -> None:
    a = hist.commit({"f": b"1"}, parent=None, message="a", author=ME)
    b = hist.commit({"f": b"2"}, parent=a, message="b", author=ME)
    hist.create_tag("v1", a, message="one", author=ME)
    hist.create_tag("release/2", b, message="two", author=ME)
    hist.create_tag("also-b", b, message="", author=ME)
    assert hist.tags() == {"v1": a, "release/2": b, "also-b": b}
    assert hist.tags_for(b) == ["also-b", "release/2"]
    assert hist.tags_for(a) == ["v1"]
    assert git(hist, "cat-file", "-t", "refs/tags/v1").strip() == "tag"  # annotated
    assert "one" in git(hist, "cat-file", "-p", "refs/tags/v1")
    with pytest.raises(NameExistsError, match="'v1' already exists"):
        hist.create_tag("v1", b, message="again", author=ME)
    with pytest.raises(NameExistsError):
        hist.create_tag("v1/sub", b, message="nested", author=ME)
    with pytest.raises(ReferenceNotFoundError, match="no such snapshot"):
        hist.create_tag("v9", "e" * 40, message="", author=ME)
    hist.delete_tag("v1")
    assert "v1" not in hist.tags()
    with pytest.raises(ReferenceNotFoundError, match="existing tags: also-b, release/2"):
        hist.delete_tag("v1")
    assert hist.rev_parse("v1") is None


# -- state refs -------------------------------------------------------------------
def test_state_refs(hist: History) -> None:
    ref = "refs/mlversion/registry"
    assert hist.read_state(ref) == (None, {})
    assert hist.state_log(ref) == []
    one = hist.write_state(
        ref, {"b": 1, "a": {"y": 2, "x": 1}}, expected=None, message="one", author=ME
    )
    with pytest.raises(ConcurrentUpdateError):
        hist.write_state(ref, {"lost": True}, expected=None, message="racer", author=ME)
    two = hist.write_state(
        ref, {"a": {"x": 1, "y": 2}, "b": 2}, expected=one, message="two", author=ME
    )
    with pytest.raises(ConcurrentUpdateError):
        hist.write_state(ref, {}, expected=one, message="stale", author=ME)
    assert hist.read_state(ref) == (two, {"a": {"x": 1, "y": 2}, "b": 2})
    assert [(c.message, s["b"]) for c, s in hist.state_log(ref)] == [("two", 2), ("one", 1)]
    assert hist.head() is None  # main is untouched
    assert (
        hist.read_blob(one, "state.json") == b'{\n "a": {\n  "x": 1,\n  "y": 2\n },\n "b": 1\n}\n'
    )
    with pytest.raises(InvalidNameError):
        hist.read_state("registry")

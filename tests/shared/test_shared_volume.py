"""One project on a shared volume, written by two system users of one group at once."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_mlversion.core.repository import Repository

from .team import GROUP, as_user, cli, shared_folder, team_project, usable, writer

pytestmark = pytest.mark.skipif(usable() is not None, reason=str(usable()))
ANN, BEN, OUTSIDER = 5101, 5102, 5103


@pytest.fixture
def project() -> Iterator[Path]:
    base = shared_folder()
    try:
        yield team_project(base)
    finally:
        shutil.rmtree(base)


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_two_users_snapshot_concurrently_and_nothing_is_lost(project: Path, umask: int) -> None:
    made = cli(ANN, project, "ann", "init", umask=umask)
    assert made.returncode == 0, made.stderr
    count = 12
    procs = [writer(uid, project, user, count, umask) for uid, user in ((ANN, "ann"), (BEN, "ben"))]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Repository.open(project) as repo:
        log = repo.log(limit=1000)
        assert len(log) == 2 * count
        by = {s.message: s.author for s in log}
        for user in ("ann", "ben"):
            for i in range(count):
                assert by[f"{user} {i}"] == user
        files = repo.files_at(repo.resolve("HEAD"))
        assert {f"{u}-{i}.txt" for u in ("ann", "ben") for i in range(count)} <= set(files)
    # Each can read what the other wrote: a verify as ben of ann's objects and history.
    checked = cli(BEN, project, "ben", "verify", umask=umask)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_user_outside_the_group_gets_read_only_not_a_traceback(project: Path) -> None:
    assert cli(ANN, project, "ann", "init").returncode == 0
    (project / "a.txt").write_text("a\n")
    (project / "a.txt").chmod(0o644)
    first = cli(ANN, project, "ann", "snapshot", "a.txt", "-m", "ann's")
    assert first.returncode == 0, first.stderr
    log = cli(OUTSIDER, project, "olga", "log", groups=())
    assert log.returncode == 0, log.stderr
    assert "ann's" in log.stdout
    (project / "a.txt").write_text("olga was here\n")
    refused = cli(OUTSIDER, project, "olga", "snapshot", "a.txt", "-m", "olga's", groups=())
    assert refused.returncode != 0
    assert "read-only for you" in refused.stderr and "Traceback" not in refused.stderr
    with Repository.open(project) as repo:
        assert [s.message for s in repo.log()] == ["ann's"]
    # What the sidebar's "read-only for you" comes from (GET /project's can_write).
    probe = "import sys; from jupyter_mlversion.core.repository import Repository as R; "
    probe += "print(R.open(sys.argv[1]).writable())"
    for uid, groups, expected in ((OUTSIDER, (), "False"), (BEN, (GROUP,), "True")):
        proc = as_user(
            uid, [sys.executable, "-c", probe, str(project)], hub_user="x", groups=groups
        )
        out, err = proc.communicate(timeout=60)
        assert out.strip() == expected, err

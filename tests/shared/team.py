"""Several system users of one group on one project folder (run through ``setpriv``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GROUP = 4242  # the team's group; the users need no /etc/passwd entry
OTHER = 4343  # someone else's group
#: What one writer does: ``count`` snapshots, each of its own new file and a shared one.
WRITER = """
import os, sys
from jupyter_mlversion.core.repository import Repository
root, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    name = f"{user}-{i}.txt"
    with open(os.path.join(root, name), "w") as out:
        out.write(f"{user} {i}\\n")
    with Repository.open(root) as repo:
        repo.snapshot([name], message=f"{user} {i}")
"""


def usable() -> str | None:
    """Why these tests cannot run here (None: they can)."""
    if os.geteuid() != 0:
        return "switching users needs root"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is needed to run as other users"
    return None


def shared_folder() -> Path:
    """A fresh folder every user may traverse (pytest's tmp folders are root-only)."""
    base = Path(tempfile.mkdtemp(prefix="mlversion-shared-"))
    base.chmod(0o755)
    return base


def team_project(base: Path) -> Path:
    """``base/proj``: owned by root and the team's group, group-writable, setgid."""
    root = base / "proj"
    root.mkdir()
    os.chown(root, 0, GROUP)
    root.chmod(0o2775)
    return root


def as_user(
    uid: int,
    argv: Sequence[str],
    *,
    hub_user: str,
    umask: int = 0o022,
    groups: Sequence[int] = (GROUP,),
    cwd: Path | None = None,
) -> subprocess.Popen[str]:
    gid = GROUP if GROUP in groups else OTHER
    """Start ``argv`` as ``uid`` (primary group: the team's) with ``umask``, no root powers."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),
        "HOME": "/nonexistent",
        "JUPYTERHUB_USER": hub_user,  # as in a hub server: the author
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "USER": hub_user,
    }
    wrapper = f'umask {umask:03o} && exec "$@"'
    group_arg = ",".join(str(g) for g in groups) if groups else None
    return subprocess.Popen(
        [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={gid}",
            f"--groups={group_arg}" if group_arg else "--clear-groups",
            # The interpreter may live where only root can look (here: /root/.pyenv): the
            # users keep the power to read and traverse, never to write past permissions,
            # which is what these tests are about.
            "--inh-caps=-all,+dac_read_search",
            "--ambient-caps=-all,+dac_read_search",
            "--bounding-set=-all,+dac_read_search",
            "sh",
            "-c",
            wrapper,
            "sh",
            *argv,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def writer(
    uid: int, root: Path, user: str, count: int, umask: int = 0o022
) -> subprocess.Popen[str]:
    return as_user(
        uid, [sys.executable, "-c", WRITER, str(root), user, str(count)], hub_user=user, umask=umask
    )


def cli(
    uid: int,
    root: Path,
    user: str,
    *args: str,
    umask: int = 0o022,
    groups: Sequence[int] = (GROUP,),
) -> subprocess.CompletedProcess[str]:
    proc = as_user(
        uid,
        [sys.executable, "-m", "jupyter_mlversion.cli.main", *args],
        hub_user=user,
        umask=umask,
        groups=groups,
        cwd=root,
    )
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

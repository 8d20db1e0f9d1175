"""One project on a shared volume, used by several system users of one group.

A project is *shared* when its folder is group-writable: then git keeps ``history.git``
group-writable (``core.sharedRepository=group``), the files SQLite and the lock create are
given group write, and git trusts ``history.git`` when another member of its group owns it.
folders the engine creates in it are made group-writable and setgid whatever the umask. Files
it writes are immutable (objects, packs) or replaced by rename (``tracked.json``), so group
write on their folders is what another member needs.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .layout import HISTORY_DIR, OBJECTS_DIR


def group_writable(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_IWGRP)
    except OSError:
        return False


def make_dir(path: Path, *, parents: bool = False) -> None:
    """``mkdir`` (existing is fine); inside a group-writable folder the new folder is made
    group-writable and setgid too, whatever the umask, so every member can add to it."""
    if path.is_dir():
        return
    if parents and not path.parent.is_dir():
        make_dir(path.parent, parents=True)
    try:
        path.mkdir()
    except FileExistsError:
        return
    if group_writable(path.parent):
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(path.stat().st_mode)
            os.chmod(path, mode | stat.S_IRWXG | stat.S_ISGID)  # noqa: S103  (the team's)


def share_file(path: Path) -> None:
    """Give ``path`` group read and write when its folder is group-writable (ours only)."""
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.geteuid() and group_writable(path.parent):
            os.chmod(path, stat.S_IMODE(st.st_mode) | stat.S_IRGRP | stat.S_IWGRP)


def git_trust(git_dir: Path) -> dict[str, str]:
    """Environment that lets git use ``git_dir`` when a member of its (our) group owns it.

    git refuses a repository another user owns ("dubious ownership"); a group-writable one of
    a group we belong to is a shared project's history, so it is trusted by path, for our
    commands only (``GIT_CONFIG_*``), never in anyone's git config.
    """
    try:
        st = git_dir.stat()
    except OSError:
        return {}
    mine = st.st_uid == os.geteuid()
    ours = st.st_gid in (os.getegid(), *os.getgroups()) and bool(st.st_mode & stat.S_IWGRP)
    if mine or not ours:
        return {}
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    return {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": "safe.directory",
        f"GIT_CONFIG_VALUE_{count}": str(git_dir),
    }


def writable(meta: Path) -> bool:
    """Whether this user may change the project whose ``.mlversion/`` is ``meta``."""
    folders = (meta, meta / OBJECTS_DIR, meta / HISTORY_DIR, meta / HISTORY_DIR / "objects")
    return all(os.access(folder, os.W_OK | os.X_OK) for folder in folders if folder.exists())

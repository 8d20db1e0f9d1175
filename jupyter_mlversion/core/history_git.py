"""Low-level git process plumbing for :mod:`.history`: one-shot commands, batches, imports.

Commands run as ``git --git-dir=<bare repo>`` with an environment cleaned of variables that
would redirect git elsewhere (a notebook started from a git hook inherits ``GIT_DIR``).
Streams are fed from memory, which GitPython's ``execute`` cannot do, so this module drives
``subprocess`` directly with the executable GitPython is configured to use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import HistoryError
from .shared import git_trust

ZERO_OID = "0" * 40

#: Variables that make git look at another repository, index or object store.
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_REPLACE_REF_BASE",
    "GIT_GRAFT_FILE",
)


class GitFailed(HistoryError):
    """A git command exited non-zero; ``stderr`` holds git's own words."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
    # Paths given after ``--`` are literal names, never globs or ``:(magic)``.
    env["GIT_LITERAL_PATHSPECS"] = "1"
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env


def git_executable() -> str:
    """The git program GitPython was configured with (``GIT_PYTHON_GIT_EXECUTABLE``)."""
    if "git" not in sys.modules:  # not imported: GitPython's setting is the environment's
        return os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"
    from git.cmd import Git

    return str(Git.GIT_PYTHON_GIT_EXECUTABLE or "git")


class GitRunner:
    """Runs git commands against one bare repository."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._env = {**_environment(), **git_trust(git_dir)}
        # fast-import allocates and frees a delta index per blob; glibc then gives the
        # memory back to the kernel each time (tens of thousands of brk calls for 10,000
        # files, 0.6 s). Keeping a pad makes the same import take under 0.1 s.
        self._import_env = {
            **self._env,
            "MALLOC_TOP_PAD_": str(64 << 20),
            "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
        }

    def argv(self, args: Iterable[str]) -> list[str]:
        return [git_executable(), f"--git-dir={self.git_dir}", *args]

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        """Run ``git args`` and return its stdout; raise GitFailed on a non-zero exit."""
        proc = subprocess.run(
            self.argv(args),
            input=input,
            capture_output=True,
            env=self._env,
            check=False,
        )
        if check and proc.returncode != 0:
            raise GitFailed(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout

    def try_run(self, *args: str, input: bytes | None = None) -> tuple[int, bytes, str]:
        """Run ``git args``; return (exit code, stdout, stderr) without raising."""
        proc = subprocess.run(
            self.argv(args), input=input, capture_output=True, env=self._env, check=False
        )
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")

    def cat_file_batch(self, specs: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """Read many objects (``<rev>:<path>`` or shas) through one ``cat-file --batch``.

        Returns, per spec in order, ``(sha, type, content)`` or None when it names nothing.
        """
        if not specs:
            return []
        request = "".join(f"{spec}\n" for spec in specs).encode("utf-8")
        proc = subprocess.run(
            self.argv(["cat-file", "--batch", "--buffer"]),
            input=request,
            capture_output=True,
            env=self._env,
            check=False,
        )
        out: list[tuple[str, str, bytes] | None] = []
        data, pos = proc.stdout, 0
        for _ in specs:
            eol = data.find(b"\n", pos)
            if eol < 0:
                break
            header = data[pos : eol + 1]
            pos = eol + 1
            if header.endswith((b" missing\n", b" ambiguous\n")):
                out.append(None)
                continue
            sha, kind, size = header.split()
            end = pos + int(size)
            out.append((sha.decode(), kind.decode(), data[pos:end]))
            pos = end + 1  # the LF after each object
        if len(out) != len(specs):
            stderr = proc.stderr.decode("utf-8", "replace")
            raise GitFailed(["cat-file", "--batch"], proc.returncode, stderr)
        return out

    def fast_import(self, stream: bytes) -> bytes:
        """Feed a complete fast-import stream (ending in ``done``); return its stdout."""
        args = ("fast-import", "--quiet", "--done", "--date-format=raw")
        proc = subprocess.run(
            self.argv(args), input=stream, capture_output=True, env=self._import_env, check=False
        )
        if proc.returncode != 0:
            raise GitFailed(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout


_OUT_OF_SPACE = ("No space left on device", "Disk quota exceeded", "Out of diskspace")


def out_of_space(stderr: str, git_dir: Path) -> bool:
    """True when git failed because the disk (or the quota) holding ``git_dir`` is full."""
    if any(text in stderr for text in _OUT_OF_SPACE):
        return True
    try:
        return os.statvfs(git_dir).f_bavail == 0
    except OSError:
        return False


def temp_files(git_dir: Path) -> set[Path]:
    """git's temporary files (``tmp_pack_*``, ``tmp_obj_*``...) and fast-import crash reports."""
    objects = git_dir / "objects"
    found = set(git_dir.glob("fast_import_crash_*"))
    found.update(objects.glob("pack/tmp_*"))
    found.update(objects.glob("tmp_*"))
    found.update(objects.glob("??/tmp_obj_*"))
    return found


def quote_path(path: str) -> bytes:
    """C-style quote a path for a fast-import stream (always accepted, never ambiguous)."""
    raw = path.encode("utf-8")
    out = bytearray(b'"')
    for byte in raw:
        if byte in (0x22, 0x5C):  # '"' and '\'
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte >= 0x7F:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    out += b'"'
    return bytes(out)


def ident(name: str, email: str) -> str:
    """``Name <email>`` with the characters git's ident parser would choke on removed."""

    def clean(text: str) -> str:
        return "".join(ch for ch in text if ch not in "<>\n\r\0").strip()

    return f"{clean(name) or 'unknown'} <{clean(email)}>"


def data_block(payload: bytes) -> bytes:
    """A fast-import ``data`` command with exact byte count."""
    return b"data %d\n%s\n" % (len(payload), payload)

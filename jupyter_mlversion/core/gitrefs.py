"""Read a ref of the history repository without starting git.

Asking "did anything change since the last snapshot?" must stay fast (W3); only
this read of git's on-disk ref format is needed for it, not a git process.
"""

from __future__ import annotations

from pathlib import Path

from .layout import MAIN_REF


def read_ref(git_dir: Path, ref: str = MAIN_REF) -> str | None:
    """The sha a ref points at (loose file first, then ``packed-refs``), or None."""
    try:
        text = (git_dir / ref).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError):
        text = ""
    if text.startswith("ref: "):
        return read_ref(git_dir, text[5:])
    if len(text) == 40:
        return text
    try:
        packed = (git_dir / "packed-refs").read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    for line in packed.splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and len(sha) == 40:
            return sha
    return None

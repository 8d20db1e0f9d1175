"""Checking ``history.git`` itself: git's own fsck, and which snapshots a damaged object hurts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .history_git import GitRunner

_SHA = re.compile(r"\b[0-9a-f]{40}\b")


def damaged_objects(git: GitRunner) -> dict[str, str]:
    """``{sha: git's complaint}`` for every damaged or missing object reachable from a ref.

    Runs ``git fsck --full --strict``: every commit, tree and blob reachable from every ref
    (and the reflogs) is read and rehashed.
    """
    code, out, err = git.try_run("fsck", "--full", "--strict", "--no-dangling", "--no-progress")
    found: dict[str, str] = {}
    lines = out.decode("utf-8", "replace").splitlines() + err.splitlines()
    for line in lines:
        text = line.strip()
        if not text or text.startswith(("dangling", "notice", "Checking")):
            continue
        if "broken link from" in text:
            continue  # the object it names is intact; the next line names the missing one
        for sha in _SHA.findall(text):
            found.setdefault(sha, text)
    if code != 0 and not found:
        found["history.git"] = (err or out.decode("utf-8", "replace")).strip()[:200]
    return found


def objects_of(git: GitRunner, commit: str) -> dict[str, str] | None:
    """``{sha: path}`` of a commit, its root tree and all below; None if it cannot be read."""
    code, out, _ = git.try_run("ls-tree", "-r", "-t", "-z", "--full-tree", commit)
    code_root, root, _ = git.try_run("rev-parse", "--verify", "-q", f"{commit}^{{tree}}")
    if code != 0 or code_root != 0:
        return None
    objects = {commit: "(the snapshot's commit)", root.decode().strip(): "(its root folder)"}
    for entry in out.split(b"\0"):
        if entry:
            meta, _, name = entry.partition(b"\t")
            objects[meta.split(b" ")[2].decode()] = name.decode("utf-8", "surrogateescape")
    return objects


def affected(git: GitRunner, damaged: dict[str, str], snapshots: Iterable[str]) -> list[str]:
    """One line per damaged object: what it is, git's words, the snapshots that need it."""
    needs: dict[str, list[str]] = {sha: [] for sha in damaged}
    paths: dict[str, str] = {}
    for snap in snapshots:
        objects = objects_of(git, snap)
        if objects is None:  # its commit or a tree cannot be read: it is damaged too
            for sha in damaged:
                needs[sha].append(snap)
            continue
        for sha in damaged:
            if sha in objects:
                needs[sha].append(snap)
                paths.setdefault(sha, objects[sha])
    lines = []
    for sha, why in sorted(damaged.items()):
        where = f" {paths[sha]}" if sha in paths else ""
        snaps = ", ".join(s[:10] for s in needs[sha]) or "none found"
        lines.append(f"history object {sha[:12]}{where}: {why}; snapshots affected: {snaps}")
    return lines

"""History between ``history.git`` and a remote: git bundles in, git bundles out.

A push bundles the commits (and tag objects) the remote lacks; a fetch unbundles, in order,
every bundle whose tips are not here yet. Each bundle is named by the SHA-256 of its bytes,
checked before git reads it; git checks every object it unpacks as well.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..atomic import temp_path
from ..errors import HistoryError, RemoteCorruptError
from ..history import History
from ..pointer import _POINTER_HEADER
from .backends import Backend
from .faults import Absent
from .layout import RemoteRefs, bundle_key

_POINTER = _POINTER_HEADER.encode()


def present(history: History, shas: Iterable[str]) -> set[str]:
    """The objects among ``shas`` that ``history.git`` holds."""
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    out = history.runner.run(
        "cat-file", "--batch-check=%(objectname) %(objecttype)",
        input="".join(f"{s}\n" for s in wanted).encode(),
    ).decode()  # fmt: skip
    return {line.split()[0] for line in out.splitlines() if not line.endswith(" missing")}


def is_ancestor(history: History, old: str, new: str) -> bool:
    code, _, _ = history.runner.try_run("merge-base", "--is-ancestor", old, new)
    return code == 0


def count_between(history: History, base: str | None, tip: str) -> int:
    """Commits reachable from ``tip`` and not from ``base``."""
    args = ["rev-list", "--count", tip] + ([f"^{base}"] if base else [])
    return int(history.runner.run(*args).decode().strip() or 0)


def ahead_behind(history: History, local: str | None, remote: str | None) -> tuple[int, int]:
    """(snapshots only ``local`` has, snapshots only ``remote`` has)."""
    if local is None or remote is None:
        return (count_between(history, None, local) if local else 0,
                count_between(history, None, remote) if remote else 0)  # fmt: skip
    out = history.runner.run("rev-list", "--left-right", "--count", f"{local}...{remote}")
    left, right = out.decode().split()
    return int(left), int(right)


def local_tags(history: History) -> dict[str, str]:
    """``{tag: object sha}`` (the tag object itself, not the commit it peels to)."""
    out = history.runner.run("for-each-ref", "--format=%(refname) %(objectname)", "refs/tags")
    found = {}
    for line in out.decode().splitlines():
        ref, _, sha = line.partition(" ")
        found[ref.removeprefix("refs/tags/")] = sha
    return found


def new_file_ids(history: History, tips: Sequence[str], known: Iterable[str]) -> dict[str, str]:
    """``{file id: path}`` of data files recorded by commits in ``tips`` but not in ``known``."""
    args = ["rev-list", "--objects", *tips, "--not", *sorted(known)]
    listing = history.runner.run(*args).decode("utf-8", "surrogateescape").splitlines()
    blobs = [
        (ln[:40], ln[41:]) for ln in listing if len(ln) > 41 and not ln[41:].endswith(".ipynb")
    ]
    found = history.runner.cat_file_batch([sha for sha, _ in blobs])
    ids: dict[str, str] = {}
    for (_, path), item in zip(blobs, found, strict=True):
        if item is None or item[1] != "blob" or not item[2].startswith(_POINTER):
            continue
        for line in item[2].decode("ascii", "replace").splitlines():
            if line.startswith("id blake3:"):
                ids.setdefault(line[len("id blake3:") :].strip(), path)
    return ids


def make_bundle(history: History, refs: Sequence[str], known: Iterable[str]) -> bytes | None:
    """A bundle of ``refs`` without what ``known`` reaches; None when it would be empty."""
    tmp = temp_path(history.git_dir, "bundle-")
    exclude = [f"^{sha}" for sha in sorted(known)]
    try:
        code, _, err = history.runner.try_run("bundle", "create", str(tmp), *refs, *exclude)
        if code != 0:
            if "empty bundle" in err.lower():
                return None
            raise HistoryError(f"git could not bundle the history to push: {err.strip()}")
        return tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)


def bundle_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + ".bundle"


def import_bundles(history: History, backend: Backend, refs: RemoteRefs) -> int:
    """Unbundle every bundle of ``refs`` whose tips are not here yet; returns how many."""
    have = present(history, [t for b in refs.bundles for t in b["tips"]])
    imported = 0
    for bundle in refs.bundles:
        if set(bundle["tips"]) <= have:
            continue
        key = bundle_key(bundle["name"])
        try:
            data = backend.get(key)
        except Absent:
            raise RemoteCorruptError(
                f"{backend.where}: {key} is listed in refs.json but missing; nothing was "
                "changed locally; push again from a clone that has the history"
            ) from None
        if bundle_name(data) != bundle["name"]:
            raise RemoteCorruptError(
                f"{backend.where}: {key} is corrupt (its bytes do not match its name); it was "
                "refused and nothing changed locally"
            )
        _unbundle(history, data, backend.where, key)
        have |= set(bundle["tips"])
        imported += 1
    return imported


def _unbundle(history: History, data: bytes, where: str, key: str) -> None:
    tmp: Path = temp_path(history.git_dir, "bundle-")
    try:
        tmp.write_bytes(data)
        code, _, err = history.runner.try_run("bundle", "unbundle", str(tmp))
    finally:
        tmp.unlink(missing_ok=True)
    if code != 0:
        said = err.strip().splitlines()[-1] if err.strip() else f"exit code {code}"
        raise RemoteCorruptError(
            f"{where}: git refused {key} ({said}); nothing was changed locally"
        )

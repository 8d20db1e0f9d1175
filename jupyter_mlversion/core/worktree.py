"""The working tree: which files the tracked set names, and their ids now."""

from __future__ import annotations

import os
import stat as stat_mod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import blake3

from .config import ALWAYS_IGNORED
from .errors import UnreadableFileError
from .ignore import IgnoreRules
from .index import Index, StatKey
from .progress import Meter, Progress
from .tempfiles import is_temp_name

_TEMP_STARTS = (".mlversion-tmp-", ".tmp-")  # cheap first test; is_temp_name decides


def stat_key(st: os.stat_result) -> StatKey:
    return StatKey(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Scan:
    """Files the tracked set names now, with their stats; and what was skipped and why.

    ``temps`` are the project's own temp files met on the way (never tracked; see
    :mod:`.tempfiles`), for the caller holding the lock to sweep.
    """

    files: dict[str, os.stat_result]
    skipped: tuple[str, ...]
    temps: tuple[str, ...] = ()


def bad_name(name: str) -> str | None:
    """Why git cannot store a file or folder called ``name`` (None: it can)."""
    if name.isascii() and name.isprintable() and "\\" not in name:
        return "git cannot store a '.git' entry" if name.lower() == ".git" else None
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return "its name holds a control character (such as a newline)"
    if "\\" in name:
        return "its name holds a backslash"
    return None


def shown(rel: str) -> str:
    """``rel`` quoted so that any control character or undecodable byte is visible."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, shown as \xNN
        return "'" + os.fsencode(rel).decode("utf-8", "backslashreplace") + "'"
    return repr(rel)


def scan(root: Path, specs: Iterable[str], ignore: IgnoreRules) -> Scan:
    """Expand tracked specs (files and folders) into the regular files under them.

    Names git cannot store (a newline, a backslash, ``.GIT``, bytes that are not UTF-8) are
    skipped with a reason, as are links leading outside the project and special files.
    """
    files: dict[str, os.stat_result] = {}
    skipped: list[str] = []
    temps: list[str] = []
    real_root = str(root.resolve())
    for spec in sorted(set(specs)):
        reason = next(
            (r for part in spec.split("/") if part != "." and (r := bad_name(part))), None
        )
        if reason is not None:
            skipped.append(f"{shown(spec)}: {reason}; rename it to version it")
            continue
        if is_temp_name(spec.rsplit("/", 1)[-1]):
            temps.append(spec)
            continue
        base = root if spec == "." else root / spec
        try:
            st = base.lstat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            skipped.append(f"{spec}: {exc.strerror}")
            continue
        if stat_mod.S_ISDIR(st.st_mode):
            if spec != "." and any(p in ALWAYS_IGNORED for p in spec.split("/")):
                continue  # everything below an always-ignored folder is ignored
            found = _Found(files, skipped, temps)
            _walk(root, base, "" if spec == "." else spec, ignore, found, real_root)
        else:
            _add(root, spec, st, files, skipped, real_root)
    return Scan(files, tuple(skipped), tuple(temps))


@dataclass
class _Found:
    files: dict[str, os.stat_result]
    skipped: list[str]
    temps: list[str]


def _walk(
    root: Path,
    folder: Path | str,
    rel: str,
    ignore: IgnoreRules,
    found: _Found,
    real_root: str,
) -> None:
    # The hot loop of every snapshot and status (one pass per tracked file): the folders above
    # were already checked, so only each entry's own name is tested against ALWAYS_IGNORED, and
    # .mlversionignore patterns are matched only when there are some.
    files, skipped = found.files, found.skipped
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        skipped.append(f"{rel or '.'}: {exc.strerror}")
        return
    prefix = f"{rel}/" if rel else ""
    patterns = ignore.has_patterns
    is_reg = stat_mod.S_ISREG
    for entry in entries:
        name = entry.name
        if name in ALWAYS_IGNORED:  # includes META_DIR
            continue
        child = prefix + name
        if name.startswith(_TEMP_STARTS) and is_temp_name(name):
            found.temps.append(child)
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if patterns and ignore.ignored(child, is_dir=is_dir):
            continue
        reason = bad_name(name)
        if reason is not None:
            skipped.append(f"{shown(child)}: {reason}; rename it to version it")
            continue
        if is_dir:
            _walk(root, entry.path, child, ignore, found, real_root)
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            skipped.append(f"{child}: {exc.strerror}")
            continue
        if is_reg(st.st_mode):
            files[child] = st
        else:
            _add(root, child, st, files, skipped, real_root)


def _add(
    root: Path,
    rel: str,
    st: os.stat_result,
    files: dict[str, os.stat_result],
    skipped: list[str],
    real_root: str,
) -> None:
    if stat_mod.S_ISLNK(st.st_mode):
        target = os.path.realpath(root / rel)
        if not (target == real_root or target.startswith(real_root + os.sep)):
            skipped.append(f"{rel}: symlink pointing outside the project")
            return
        try:
            st = os.stat(target)
        except OSError:
            skipped.append(f"{rel}: broken symlink")
            return
    if not stat_mod.S_ISREG(st.st_mode):
        skipped.append(f"{rel}: not a regular file")
        return
    files[rel] = st


def stat_digest(files: Mapping[str, os.stat_result]) -> str:
    """One hash of every path with its inode, size, mtime and ctime: equal digests, equal stats."""
    rows = sorted(
        f"{rel}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
        for rel, st in files.items()
    )
    return blake3.blake3("\n".join(rows).encode("utf-8", "surrogateescape")).hexdigest()


def hash_file(path: Path, *, progress: Callable[[int], None] | None = None) -> str:
    """BLAKE3 of a file's bytes, read in bounded blocks; ``progress`` gets the bytes read so far."""
    hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
    done = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(4 << 20):
                hasher.update(block)
                done += len(block)
                if progress:
                    progress(done)
    except FileNotFoundError:
        raise UnreadableFileError(f"{path} vanished while it was being read") from None
    except OSError as exc:
        raise UnreadableFileError(f"cannot read {path}: {exc.strerror}") from None
    return hasher.hexdigest()


def current_ids(
    root: Path,
    files: dict[str, os.stat_result],
    index: Index,
    *,
    progress: Progress | None = None,
) -> dict[str, str | None]:
    """Id of each file now: from the stat cache when its stat is unchanged, else hashed.

    ``progress`` counts the bytes hashed out of the bytes of the files the cache could not answer.
    """
    cache = index.stat_cache()
    result: dict[str, str | None] = {}
    todo: list[tuple[str, StatKey]] = []
    for rel, st in files.items():
        key = stat_key(st)
        cached = cache.get(rel)
        if cached is not None and cached[0] == key:
            result[rel] = cached[1]
        else:
            todo.append((rel, key))
    meter = Meter(progress, sum(key.size for _, key in todo))
    fresh: list[tuple[str, StatKey, str]] = []
    for rel, key in todo:
        try:
            oid = hash_file(root / rel, progress=meter.file(rel))
        except UnreadableFileError:
            result[rel] = None
            continue
        finally:
            meter.finished(key.size, rel)
        result[rel] = oid
        fresh.append((rel, key, oid))
    if todo:
        meter.close()
    index.remember(fresh)
    return result

"""Deciding each path's outcome of a three-way merge, without touching the working tree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MlversionError
from ..model import FileEntry
from .notebooks import merge_notebook
from .stream import merge_table_files
from .tables import merge_table, table_format

#: Bytes of a file as one side (a snapshot id) holds it, in chunks.
ReadSide = Callable[[FileEntry, str], Iterable[bytes]]
STREAMED = ("csv", "tsv", "jsonl")  # table formats merged from files, in bounded memory


@dataclass(frozen=True)
class FileOutcome:
    """One path changed on either side: which side it comes from, merged, or a conflict."""

    path: str
    kind: str  # notebook, table or file
    outcome: str  # ours, theirs, merged or conflict
    detail: str = ""
    cells: tuple[dict[str, Any], ...] = ()
    rows: tuple[dict[str, Any], ...] = ()
    key: tuple[str, ...] = ()
    content: bytes | None = field(default=None, repr=False, compare=False)  # merged bytes
    content_file: Path | None = field(default=None, repr=False, compare=False)  # or a file

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind, "outcome": self.outcome}
        if self.detail:
            out["detail"] = self.detail
        if self.kind == "notebook" and self.outcome in ("merged", "conflict"):
            out["cells"] = list(self.cells)
        if self.kind == "table" and self.outcome in ("merged", "conflict"):
            out["rows"] = list(self.rows)
            out["key"] = list(self.key)
        return out


def _kind(path: str) -> str:
    if path.endswith(".ipynb"):
        return "notebook"
    return "table" if table_format(path) else "file"


def plan_merge(
    files: tuple[Mapping[str, FileEntry], Mapping[str, FileEntry], Mapping[str, FileEntry]],
    shas: tuple[str | None, str, str],
    read: ReadSide,
    keys: Sequence[str] = (),
    scratch: Path | None = None,
) -> list[FileOutcome]:
    """The outcome of every path that ``ours`` or ``theirs`` changed since ``base``.

    With a ``scratch`` folder, CSV, TSV and JSON lines tables are spooled there and merged as
    streams; a merged one is left there as ``content_file`` (the caller moves it into place).
    """
    base, ours, theirs = files
    base_sha, ours_sha, theirs_sha = shas
    out = []
    for path in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = (side.get(path) for side in files)
        ib, io, it = (e.id if e else None for e in (b, o, t))
        if io == it:
            if io != ib:
                out.append(FileOutcome(path, _kind(path), "ours", "same change on both sides"))
            continue
        if io == ib:
            out.append(FileOutcome(path, _kind(path), "theirs", _said(b, t, "theirs")))
            continue
        if it == ib:
            out.append(FileOutcome(path, _kind(path), "ours", _said(b, o, "ours")))
            continue
        kind = _kind(path)
        if o is None or t is None:
            gone = "ours" if o is None else "theirs"
            detail = f"removed on {gone}, changed on the other side"
            out.append(FileOutcome(path, kind, "conflict", detail))
            continue
        fmt = table_format(path)
        if kind == "table" and scratch is not None and fmt in STREAMED:
            n = len(out)
            sides = (b if base_sha else None, o, t)
            names = (f"{n}-base", f"{n}-ours", f"{n}-theirs")
            spooled = tuple(
                _spool(read(e, sha), scratch / name) if e is not None and sha else None
                for e, sha, name in zip(sides, shas, names, strict=True)
            )
            out.append(_merge_files(path, spooled, scratch, keys))  # type: ignore[arg-type]
            continue
        old = b"".join(read(b, base_sha)) if b is not None and base_sha else None
        mine, other = b"".join(read(o, ours_sha)), b"".join(read(t, theirs_sha))
        out.append(_merge_contents(path, kind, (old, mine, other), keys))
    return out


def _spool(chunks: Iterable[bytes], target: Path) -> Path:
    with target.open("wb") as f:
        for chunk in chunks:
            f.write(chunk)
    return target


def _merge_files(
    path: str, files: tuple[Path | None, Path, Path], scratch: Path, keys: Sequence[str]
) -> FileOutcome:
    out = files[1].with_name(files[1].name + ".merged")
    try:
        table = merge_table_files(files, out, table_format(path) or "csv", scratch, keys)
    except (MlversionError, ValueError, OSError) as exc:
        return FileOutcome(path, "table", "conflict", f"not readable as a table ({exc})")
    finally:
        for f in files:
            if f is not None:
                f.unlink(missing_ok=True)
    outcome = "conflict" if table.conflict else "merged"
    return FileOutcome(path, "table", outcome, table.detail, rows=table.rows, key=table.key,
                       content_file=None if table.conflict else out)  # fmt: skip


def _said(base: FileEntry | None, entry: FileEntry | None, side: str) -> str:
    if entry is None:
        return f"removed on {side}"
    return f"added on {side}" if base is None else f"changed on {side} only"


def _merge_contents(
    path: str, kind: str, data: tuple[bytes | None, bytes, bytes], keys: Sequence[str]
) -> FileOutcome:
    old, mine, other = data
    if kind == "notebook":
        nb = merge_notebook(old, mine, other, path)
        if nb.conflicts:
            detail = f"{len(nb.conflicts)} cell(s) changed on both sides"
            return FileOutcome(path, kind, "conflict", detail, cells=nb.conflicts,
                               content=nb.content)  # fmt: skip
        return FileOutcome(path, kind, "merged", "cells merged", content=nb.content)
    if kind == "table":
        try:
            table = merge_table(old, mine, other, path, keys)
        except (MlversionError, ValueError, OSError) as exc:
            return FileOutcome(path, kind, "conflict", f"not readable as a table ({exc})")
        outcome = "conflict" if table.conflict else "merged"
        return FileOutcome(path, kind, outcome, table.detail, rows=table.rows, key=table.key,
                           content=table.content)  # fmt: skip
    return FileOutcome(path, kind, "conflict", "changed on both sides to different content")

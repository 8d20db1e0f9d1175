"""Reproduce: after rolling back a cell's inputs and re-running it, does it give what it gave?

Where each side comes from:

- recorded: the newest snapshot at or before REF that recorded a run of the cell (its
  lineage says what the run wrote, with ids); that snapshot's notebook holds the cell's
  outputs and its metrics what was logged.
- new: nothing is snapshotted. The cell's outputs are read from the notebook on disk (the
  panel and the magic save it first); what the re-run wrote, from the newest journal line
  of that cell since the notebook's last snapshot (the kernel's pending lines), hashed as
  the files are on disk now; metrics, from the values logged since the last snapshot.

Outputs are compared cell to cell (execution counts aside) and shown as nbdime's notebook
diff; written files by id, with :func:`..file_diff.diff_file` against the disk for those
that differ; metrics by value, for the names logged since (a name recorded at REF but not
logged again is listed, not counted, since another cell may have logged it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import blake3

from ..errors import MlversionError, ReferenceNotFoundError
from ..journal import Journals, to_lineage

if TYPE_CHECKING:
    from ..parts import Parts
    from .read import Reader

_MAX_OUTPUT_BYTES = 64 << 20  # a notebook larger than this is not parsed for outputs


@dataclass
class ReproduceReport:
    """What a re-run of a cell gave against what REF recorded."""

    cell_id: str
    notebook: str
    at: str  # the snapshot REF names
    recorded_in: str  # the snapshot whose record of the cell is compared
    outputs: dict[str, Any] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reproduced(self) -> bool:
        return (
            bool(self.outputs.get("same"))
            and all(f["status"] == "same" for f in self.files)
            and all(m["same"] is not False for m in self.metrics)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "cell_id": self.cell_id,
            "notebook": self.notebook,
            "at": self.at,
            "recorded_in": self.recorded_in,
            "reproduced": self.reproduced,
            "outputs": self.outputs,
            "files": self.files,
            "metrics": self.metrics,
            "notes": list(self.notes),
        }


class Reproducer:
    """Compares a cell's re-run with its record; ``diff_file`` is the facade's file diff."""

    def __init__(self, parts: Parts, reader: Reader, *, diff_file: Callable[..., Any]) -> None:
        self._parts = parts
        self._reader = reader
        self._diff_file = diff_file

    def reproduce(self, cell_id: str, *, at: str, notebook: str | None = None) -> ReproduceReport:
        """Compare cell ``cell_id``'s outputs, written files and metrics with those at ``at``."""
        sha = self._reader.resolve(at)
        nb = None if notebook is None else self._parts.relpath(notebook)
        recorded_in, writes, nb = self._recorded_run(cell_id, sha, nb, at)
        report = ReproduceReport(cell_id, nb, sha, recorded_in)
        pending = Journals(self._parts.meta).pending([nb])
        runs = [c for c in to_lineage(pending.cells, self._parts.root) if c.cell_id == cell_id]
        if writes and not runs:
            raise MlversionError(
                f"cell {cell_id} has not run since the last snapshot of {nb}; run it again "
                f"(after 'mlversion restore --cell {cell_id} --to {at}') and retry"
            )
        report.outputs = self._outputs(cell_id, nb, recorded_in)
        written_now = {str(w["path"]) for w in runs[-1].writes} if runs else set()
        report.files = self._files(writes, written_now, recorded_in)
        snap = self._reader.snapshot_model(recorded_in, full=False)
        report.metrics = _metrics(snap.metrics, pending.metrics)
        if not runs:
            report.notes.append(
                f"cell {cell_id} read and wrote no project file: only its outputs and metrics "
                "are compared"
            )
        return report

    def _recorded_run(
        self, cell_id: str, sha: str, notebook: str | None, at: str
    ) -> tuple[str, dict[str, str | None], str]:
        """The snapshot at or before ``sha`` that recorded the cell, what it wrote, its notebook."""
        index = self._parts.index
        target = index.snapshot(sha)
        limit = target.seq if target else None
        for row in index.lineage_of(cell_id, notebook):
            found = index.snapshot(row["snapshot"])
            if found is None or (limit is not None and found.seq > limit):
                continue
            rows = [
                r
                for r in index.lineage_of(cell_id, row["notebook"])
                if r["snapshot"] == row["snapshot"]
            ]
            writes = {r["path"]: r["id"] for r in rows if r["role"] == "writes"}
            return row["snapshot"], writes, str(row["notebook"])
        if notebook is None:
            raise ReferenceNotFoundError(
                f"no snapshot up to {at} recorded a run of cell {cell_id}; name its notebook "
                f"to compare outputs only, or see 'mlversion inputs {cell_id}'"
            )
        return sha, {}, notebook

    def _outputs(self, cell_id: str, notebook: str, snapshot: str) -> dict[str, Any]:
        entry = self._reader.files_at(snapshot).get(notebook)
        if entry is None:
            raise ReferenceNotFoundError(f"{notebook} is not in snapshot {snapshot[:10]}")
        old = _cell(b"".join(self._reader.read_bytes(entry, snapshot)), cell_id)
        disk = self._parts.root / notebook
        try:
            small = disk.stat().st_size < _MAX_OUTPUT_BYTES
            new = _cell(disk.read_bytes(), cell_id) if small else None
        except OSError:
            new = None
        if old is None:
            return {"same": False, "detail": None, "note": f"{notebook} had no cell {cell_id} then"}
        if new is None:
            return {"same": False, "detail": None, "note": f"{notebook} has no cell {cell_id} now"}
        if _outputs_of(old) == _outputs_of(new):
            return {"same": True, "detail": None, "note": None}
        from ..diffs import diff_files

        detail = diff_files(
            "notebook", [_alone(old)], [_alone(new)], notebook, include_outputs=True
        )
        return {"same": False, "detail": detail, "note": None}

    def _files(
        self, recorded: Mapping[str, str | None], written: set[str], snapshot: str
    ) -> list[dict[str, Any]]:
        out = []
        for path in sorted(set(recorded) | written):
            now = _hash(self._parts.root / path) if path in written else None
            item: dict[str, Any] = {
                "path": path, "recorded": recorded.get(path), "now": now, "diff": None,
            }  # fmt: skip
            if path not in recorded:
                item["status"] = "new"  # written now, not by the recorded run
            elif path not in written:
                item["status"] = "not written"
            elif recorded[path] is None:
                item["status"] = "unknown"  # changed after the recorded run: no id to compare
            elif recorded[path] == now:
                item["status"] = "same"
            else:
                item["status"] = "differs"
                try:
                    item["diff"] = self._diff_file(path, snapshot, working=True)
                except MlversionError as err:
                    item["note"] = str(err)
            out.append(item)
        return out


def _metrics(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(set(recorded) | set(now)):
        old, new = recorded.get(name), now.get(name)
        if name not in now:
            same = None  # not logged since: not counted (another cell may log it)
        elif isinstance(old, int | float) and isinstance(new, int | float):
            same = math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-12)
        else:
            same = old == new
        rows.append({"name": name, "recorded": old, "now": new, "same": same})
    return rows


def _cell(data: bytes, cell_id: str) -> dict[str, Any] | None:
    import nbformat

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except (UnicodeDecodeError, ValueError, KeyError, AttributeError):
        return None
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            return dict(cell)
    return None


def _outputs_of(cell: Mapping[str, Any]) -> list[Any]:
    """The outputs as compared: execution counts and transient metadata left out."""
    out = []
    for output in cell.get("outputs", []):
        item = {k: v for k, v in dict(output).items() if k not in ("execution_count", "metadata")}
        out.append(json.loads(json.dumps(item, sort_keys=True)))
    return out


def _alone(cell: Mapping[str, Any]) -> bytes:
    """A notebook holding just ``cell`` (so nbdime's diff is about that cell only)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.from_dict({**cell, "execution_count": None}))
    return nbformat.writes(nb).encode("utf-8")


def _hash(path: Any) -> str | None:
    digest = blake3.blake3()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()

"""What the facade's operations return: plain data with stable ``to_dict`` shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .model import ArtifactVersion, CellIO, Change, Snapshot, Stage, ValueDelta


@dataclass(frozen=True)
class Status:
    """What the next snapshot would record: changed files, new cell lineage, new values."""

    head: str | None
    changes: tuple[Change, ...]
    tracked: int
    suggested_message: str | None = None
    cells: tuple[CellIO, ...] = ()  # cells run since the last snapshot, with what they touched
    metrics: dict[str, Any] = field(default_factory=dict)  # logged, and not yet recorded
    params: dict[str, Any] = field(default_factory=dict)
    branch: str = "main"  # the current branch
    merge: dict[str, Any] | None = None  # the merge in progress: branch, unresolved, resolved

    @property
    def clean(self) -> bool:
        return not (self.changes or self.cells or self.metrics or self.params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "branch": self.branch,
            "merge": self.merge,
            "clean": self.clean,
            "tracked": self.tracked,
            "changes": [c.to_dict() for c in self.changes],
            "suggested_message": self.suggested_message,
            "cells": [_cell_summary(c) for c in self.cells],
            "metrics": dict(self.metrics),
            "params": dict(self.params),
        }


def _cell_summary(cell: CellIO) -> dict[str, Any]:
    return {
        "cell_id": cell.cell_id,
        "notebook": cell.notebook,
        "execution_count": cell.execution_count,
        "reads": sorted({str(e["path"]) for e in cell.reads}),
        "writes": sorted({str(e["path"]) for e in cell.writes}),
    }


def pending_lines(status: dict[str, Any]) -> list[str]:
    """Plain lines for a status's cells run, and values logged, since the last snapshot."""
    lines = []
    if status.get("cells"):
        lines.append("Cells run since the last snapshot (the next snapshot records them):")
    for cell in status.get("cells", ()):
        where = f" of {cell['notebook']}" if cell.get("notebook") else ""
        parts = [f"read {', '.join(cell['reads'])}"] if cell["reads"] else []
        parts += [f"wrote {', '.join(cell['writes'])}"] if cell["writes"] else []
        lines.append(f"  cell {cell['cell_id']}{where}: {'; '.join(parts) or 'touched no file'}")
    for kind in ("metrics", "params"):
        if status.get(kind):
            values = ", ".join(f"{k}={v}" for k, v in sorted(status[kind].items()))
            lines.append(f"Logged {kind} not yet recorded: {values}")
    return lines


@dataclass(frozen=True)
class Recorded:
    """A file as it is now, and the snapshot that recorded that content."""

    path: str
    snapshot: str
    author: str
    message: str
    time: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SnapshotResult:
    """The outcome of a snapshot: the new snapshot, or ``None`` when nothing changed."""

    snapshot: Snapshot | None
    changes: tuple[Change, ...]
    warnings: tuple[str, ...] = ()
    suggested_message: str | None = None
    recorded: tuple[Recorded, ...] = ()  # with no snapshot: who already holds the named files

    @property
    def created(self) -> bool:
        return self.snapshot is not None

    def note(self) -> str | None:
        """With no snapshot made: one sentence saying so, and who holds the named files."""
        if self.created:
            return None
        if not self.recorded:
            return "Nothing changed since the last snapshot; no snapshot made."
        held = "; ".join(
            f"{r.path} is as snapshot {r.snapshot[:10]} ({r.author}, {r.message!r}) recorded it"
            for r in self.recorded[:5]
        )
        more = f" (and {len(self.recorded) - 5} more)" if len(self.recorded) > 5 else ""
        return f"Nothing to snapshot: {held}{more}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "note": self.note(),
            "snapshot": self.snapshot.to_dict() if self.snapshot else None,
            "changes": [c.to_dict() for c in self.changes],
            "warnings": list(self.warnings),
            "suggested_message": self.suggested_message,
            "recorded": [r.to_dict() for r in self.recorded],
        }


@dataclass(frozen=True)
class Diff:
    """Differences between two references: files, metrics and params."""

    old: str
    new: str
    files: tuple[Change, ...]
    metrics: tuple[ValueDelta, ...]
    params: tuple[ValueDelta, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "files": [c.to_dict() for c in self.files],
            "metrics": [m.to_dict() for m in self.metrics],
            "params": [p.to_dict() for p in self.params],
        }


RestoreAction = Literal["write", "delete", "unchanged"]


@dataclass(frozen=True)
class RestoreItem:
    """One file a restore writes, deletes or leaves as it is."""

    path: str
    action: RestoreAction
    current_id: str | None
    target_id: str | None
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "action": self.action,
            "current_id": self.current_id,
            "target_id": self.target_id,
            "size": self.size,
        }


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did (or, with ``dry_run``, would do)."""

    target: str  # snapshot id the files come from
    items: tuple[RestoreItem, ...]
    dry_run: bool
    safety_snapshot: str | None = None  # snapshot taken first to keep unsaved work
    recorded: str | None = None  # checkout: the snapshot recording the state it made

    @property
    def changed(self) -> tuple[RestoreItem, ...]:
        return tuple(i for i in self.items if i.action != "unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "dry_run": self.dry_run,
            "safety_snapshot": self.safety_snapshot,
            "recorded": self.recorded,
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class AliasEvent:
    """One move of an alias, as recorded in the registry history."""

    path: str
    alias: str
    old_version: int | None
    new_version: int | None  # None: alias removed
    author: str
    time: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ModelVersion:
    """One version of a registered model: a link to an artifact version."""

    model: str
    number: int  # 1, 2, ... within the registered model
    path: str
    artifact_version: int
    id: str
    stage: Stage
    snapshot: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    versions: tuple[ModelVersion, ...]
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "versions": [v.to_dict() for v in self.versions],
        }


@dataclass(frozen=True)
class RegistryEvent:
    """One recorded registry change: register, stage transition, alias move."""

    kind: str  # "register" | "transition" | "alias"
    detail: dict[str, Any]
    author: str
    time: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    corrupt: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # "path@snapshot: id" needed by a snapshot but absent
    history: tuple[str, ...] = ()  # damaged objects of history.git, with the snapshots hurt
    project: tuple[str, ...] = ()  # damaged project files (config, tracked set, index)

    @property
    def ok(self) -> bool:
        return not (self.corrupt or self.missing or self.history or self.project)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "corrupt": list(self.corrupt),
            "missing": list(self.missing),
            "history": list(self.history),
            "project": list(self.project),
        }


@dataclass(frozen=True)
class GcReport:
    unreachable: int
    bytes: int
    dry_run: bool
    temp_files: int = 0  # leftovers of killed writers removed from the working tree

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class VersionsResult:
    path: str
    versions: tuple[ArtifactVersion, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "versions": [v.to_dict() for v in self.versions]}

"""Small immutable value objects shared by every layer.

Each has ``to_dict`` for the stable JSON shapes documented in the README
(CLI ``--json``, REST answers). Keys are plain strings; times are ISO 8601 UTC.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["notebook", "dataset", "model", "file"]
ChangeStatus = Literal["added", "removed", "modified"]
Stage = Literal["none", "staging", "production", "archived"]
STAGES: tuple[Stage, ...] = ("none", "staging", "production", "archived")


@dataclass(frozen=True)
class FileEntry:
    """One tracked file as a snapshot records it."""

    path: str  # POSIX, relative to the project root
    id: str  # BLAKE3 hex of the file's bytes
    size: int
    kind: Kind

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileEntry:
        return cls(str(data["path"]), str(data["id"]), int(data["size"]), data["kind"])


@dataclass(frozen=True)
class CellIO:
    """What one executed cell read and wrote, with the ids the files had then."""

    cell_id: str
    execution_count: int | None
    notebook: str | None
    reads: tuple[dict[str, Any], ...] = ()  # {"path", "id", "changed_since": bool}
    writes: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "cell_id": self.cell_id,
            "execution_count": self.execution_count,
            "notebook": self.notebook,
            "reads": list(self.reads),
            "writes": list(self.writes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CellIO:
        return cls(
            cell_id=str(data["cell_id"]),
            execution_count=data.get("execution_count"),
            notebook=data.get("notebook"),
            reads=tuple(data.get("reads", ())),
            writes=tuple(data.get("writes", ())),
        )


@dataclass(frozen=True)
class Snapshot:
    """An immutable version of the project's tracked state."""

    id: str  # git commit sha of the snapshot
    parents: tuple[str, ...]
    author: str
    email: str
    time: str  # ISO 8601 UTC
    message: str
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    lineage: tuple[CellIO, ...] = ()
    tracked: tuple[str, ...] = ()  # the path specs the user asked to track
    tags: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.id[:10]

    def to_dict(self, *, with_lineage: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "short_id": self.short_id,
            "parents": list(self.parents),
            "author": self.author,
            "email": self.email,
            "time": self.time,
            "message": self.message,
            "metrics": dict(self.metrics),
            "params": dict(self.params),
            "tags": list(self.tags),
        }
        if with_lineage:
            data["environment"] = dict(self.environment)
            data["lineage"] = [cell.to_dict() for cell in self.lineage]
            data["tracked"] = list(self.tracked)
        return data


@dataclass(frozen=True)
class Change:
    """A file that differs between two states."""

    path: str
    status: ChangeStatus
    old: FileEntry | None = None
    new: FileEntry | None = None
    old_version: int | None = None
    new_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "kind": entry.kind if (entry := self.new or self.old) else "file",
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
            "old_version": self.old_version,
            "new_version": self.new_version,
        }


@dataclass(frozen=True)
class ValueDelta:
    """One metric or param before and after."""

    name: str
    old: Any
    new: Any

    @property
    def delta(self) -> float | None:
        values = (self.old, self.new)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return float(self.new) - float(self.old)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "delta": self.delta}


@dataclass(frozen=True)
class ArtifactVersion:
    """``vN`` of a path: the N-th distinct content it had, in order of first appearance."""

    path: str
    version: int
    id: str
    size: int
    kind: Kind
    snapshot: str  # the first snapshot that holds this content at this path
    time: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"v{self.version}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        data["label"] = self.label
        return data

"""The merge in progress, persisted in ``.mlversion/merge.json`` (written atomically)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..errors import NoMergeInProgressError

MERGE_FILE = "merge.json"


@dataclass(frozen=True)
class MergeState:
    """What a conflicting merge recorded: both sides, the paths it touched, the conflicts."""

    branch: str
    ours: str
    theirs: str
    base: str | None
    message: str
    paths: tuple[str, ...]  # every path the merge wrote or will record
    conflicts: tuple[dict[str, Any], ...]  # FileOutcome.to_dict() of each conflict
    written: dict[str, str] = field(default_factory=dict)  # path -> id the merge wrote there
    resolved: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def unresolved(self) -> list[str]:
        return [c["path"] for c in self.conflicts if c["path"] not in self.resolved]

    def with_resolved(self, path: str) -> MergeState:
        return replace(self, resolved=tuple(sorted({*self.resolved, path})))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["in_progress"] = True
        out["unresolved"] = self.unresolved
        return out


def load(meta: Path) -> MergeState | None:
    try:
        raw = json.loads((meta / MERGE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return MergeState(
        branch=raw["branch"],
        ours=raw["ours"],
        theirs=raw["theirs"],
        base=raw.get("base"),
        message=raw.get("message", ""),
        paths=tuple(raw.get("paths", ())),
        conflicts=tuple(raw.get("conflicts", ())),
        written=dict(raw.get("written", {})),
        resolved=tuple(raw.get("resolved", ())),
        metrics=dict(raw.get("metrics", {})),
        params=dict(raw.get("params", {})),
    )


def require(meta: Path) -> MergeState:
    state = load(meta)
    if state is None:
        raise NoMergeInProgressError(
            "no merge is in progress; start one with 'mlversion merge BRANCH'"
        )
    return state


def save(meta: Path, state: MergeState) -> None:
    payload = json.dumps(asdict(state), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    atomic_write(meta / MERGE_FILE, payload.encode("utf-8"))


def clear(meta: Path) -> None:
    (meta / MERGE_FILE).unlink(missing_ok=True)

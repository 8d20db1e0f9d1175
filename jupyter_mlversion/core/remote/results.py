"""What remote operations report, as plain values with ``to_dict`` for JSON surfaces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RemoteStatus:
    """One remote seen from the current branch (no network: from the last fetch)."""

    name: str
    url: str
    branch: str
    tracking: str | None  # the remote's tip of ``branch`` at the last fetch or push
    ahead: int  # snapshots this project has and the remote lacks
    behind: int  # snapshots the remote has and this project lacks

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FetchResult:
    remote: str
    url: str
    bundles: int  # history bundles imported
    branches: dict[str, str]  # the remote's branches: name -> tip
    new_tags: tuple[str, ...] = ()
    tag_conflicts: tuple[str, ...] = ()  # same name, other snapshot: the local tag is kept
    registry: str = "unchanged"  # unchanged | fast-forward | merged | created
    data_objects: int = 0  # with --data: objects downloaded
    data_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["new_tags"] = list(self.new_tags)
        data["tag_conflicts"] = list(self.tag_conflicts)
        return data


@dataclass(frozen=True)
class PushResult:
    remote: str
    url: str
    branch: str
    old: str | None  # the remote's tip before
    new: str  # the remote's tip now
    snapshots: int  # snapshots the remote gained on ``branch``
    objects: int  # objects uploaded
    bytes: int  # bytes of objects uploaded
    skipped: int  # objects the remote already had
    bundle: str | None  # history bundle uploaded (None: history unchanged)
    tags: tuple[str, ...] = ()
    tag_conflicts: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        return self.old == self.new and self.bundle is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        data["tag_conflicts"] = list(self.tag_conflicts)
        data["up_to_date"] = self.up_to_date
        return data


@dataclass(frozen=True)
class PullResult:
    remote: str
    branch: str
    action: str  # up-to-date | fast-forward | ahead | no-remote-branch
    old: str | None
    new: str | None
    snapshots: int  # snapshots gained
    fetch: FetchResult
    restore: dict[str, Any] = field(default_factory=dict)  # the working-tree update

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fetch"] = self.fetch.to_dict()
        return data

"""Joining two clones' registry lines as the events they recorded, not by overwriting.

The registry is a line of ``state.json`` commits, each carrying the events it made (alias
moves, registrations, stage transitions, tag records). When the local line and the remote's
diverged, the local commits since their common ancestor are replayed, oldest first and with
their own authors, times and messages, on top of the remote's tip: every move of both clones
is kept, and the newest move of an alias wins.
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import ConcurrentUpdateError
from ..history import History
from ..registry import REGISTRY_REF

_SCRATCH = "refs/mlversion/merging/registry"


def _apply(
    state: dict[str, Any], event: dict[str, Any], renumber: dict[tuple[str, int], int]
) -> dict[str, Any] | None:
    """Apply one recorded event to ``state``; the event as applied, or None if it is moot."""
    kind, detail = event.get("kind"), dict(event.get("detail", {}))
    aliases: dict[str, dict[str, int]] = state.setdefault("aliases", {})
    models: dict[str, Any] = state.setdefault("models", {})
    if kind == "alias":
        on_path = aliases.setdefault(detail["path"], {})
        detail["old_version"] = on_path.get(detail["alias"])
        if detail.get("new_version") is None:
            on_path.pop(detail["alias"], None)
        else:
            on_path[detail["alias"]] = detail["new_version"]
        if not on_path:
            aliases.pop(detail["path"], None)
    elif kind == "register":
        entry = models.setdefault(detail["model"], {"description": "", "versions": []})
        for version in entry["versions"]:
            if (
                version["path"] == detail["path"]
                and version["artifact_version"] == detail["artifact_version"]
            ):
                renumber[(detail["model"], int(detail["number"]))] = int(version["number"])
                return None
        number = max((int(v["number"]) for v in entry["versions"]), default=0) + 1
        renumber[(detail["model"], int(detail["number"]))] = number
        detail["number"] = number
        record = {
            k: detail[k] for k in ("number", "path", "artifact_version", "id", "stage", "snapshot")
        }
        entry["versions"].append(record)
    elif kind == "transition":
        entry = models.get(detail["model"])
        number = renumber.get((detail["model"], int(detail["number"])), int(detail["number"]))
        found = [v for v in (entry or {}).get("versions", []) if int(v["number"]) == number]
        if not found:
            return None
        detail["number"] = number
        detail["old_stage"] = found[0]["stage"]
        found[0]["stage"] = detail["new_stage"]
    return {"kind": kind, "detail": detail}


def merge(history: History, local: str, remote: str) -> str:
    """Replay ``local``'s registry commits since the common ancestor onto ``remote``.

    Moves the local registry ref from ``local`` to the result (compare-and-swap) and returns
    it. ConcurrentUpdateError when a local registry write raced with the merge.
    """
    code, out, _ = history.runner.try_run("merge-base", local, remote)
    base = out.decode().strip() if code == 0 else None
    span = f"{base}..{local}" if base else local
    mine = history.runner.run("rev-list", "--reverse", span).decode().split()
    infos = {info.sha: info for info in history.commit_infos(mine)}
    logs = {info.sha: state for info, state in history.state_log(REGISTRY_REF) if info.sha in infos}
    _, state = history.read_state_at(remote)
    old_scratch = history.resolve_ref(_SCRATCH)
    history.update_ref(_SCRATCH, remote, old_scratch, "mlversion: merge registry")
    tip = remote
    renumber: dict[tuple[str, int], int] = {}
    for sha in mine:
        events = []
        for event in logs.get(sha, {}).get("events", []):
            applied = _apply(state, copy.deepcopy(event), renumber)
            if applied is not None:
                events.append(applied)
        if not events:
            continue
        info = infos[sha]
        state["events"] = events
        tip = history.write_state(
            _SCRATCH, state, expected=tip, message=info.message,
            author=(info.author, info.email), time=info.timestamp,
        )  # fmt: skip
    try:
        history.update_ref(REGISTRY_REF, tip, local, "mlversion: merge registry from remote")
    except ConcurrentUpdateError:
        raise ConcurrentUpdateError(
            "the registry changed while merging the remote's; run the command again"
        ) from None
    finally:
        history.runner.try_run("update-ref", "-d", _SCRATCH)
    return tip

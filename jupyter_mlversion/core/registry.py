"""Aliases and registered models, kept as commits of ``state.json`` on their own git ref.

Every change is one commit on ``refs/mlversion/registry`` whose ``state.json`` holds the
whole registry plus the events that commit made, so the history of every alias move and
stage transition (who, when, why) is the ref's log. Writers read the state and its sha,
change it, and commit with compare-and-swap; when another writer got there first they
re-read and re-apply, so concurrent changes are never lost.
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable
from typing import Any, TypeVar

from . import follow
from .errors import ConcurrentUpdateError, RegistryError
from .history import CommitInfo, History, iso_time
from .history_names import FULL_SHA_RE, validate_path, validate_ref_name
from .model import STAGES, Stage
from .results import AliasEvent, ModelVersion, RegisteredModel, RegistryEvent

__all__ = ["REGISTRY_REF", "Registry"]

REGISTRY_REF = "refs/mlversion/registry"
_FORMAT = 1
_T = TypeVar("_T")
#: ``mutate(state, now) -> (result, events, default message)``; it may raise RegistryError.
_Mutation = Callable[[dict[str, Any], int], tuple[_T, list[dict[str, Any]], str]]


def _stage(stage: str) -> Stage:
    for known in STAGES:
        if stage == known:
            return known
    raise RegistryError(f"unknown stage {stage!r}; stages are: {', '.join(STAGES)}")


def _version_from(name: str, data: dict[str, Any]) -> ModelVersion:
    return ModelVersion(
        model=name,
        number=int(data["number"]),
        path=str(data["path"]),
        artifact_version=int(data["artifact_version"]),
        id=str(data["id"]),
        stage=_stage(str(data["stage"])),
        snapshot=str(data["snapshot"]),
    )


def _model_entry(state: dict[str, Any], name: str) -> dict[str, Any]:
    models: dict[str, Any] = state.get("models", {})
    if name not in models:
        known = ", ".join(sorted(models)) or "none yet"
        raise RegistryError(f"no registered model {name!r}; known: {known}")
    entry: dict[str, Any] = models[name]
    return entry


def _version_entry(entry: dict[str, Any], name: str, number: int) -> dict[str, Any]:
    for version in entry["versions"]:
        if int(version["number"]) == number:
            found: dict[str, Any] = version
            return found
    count = len(entry["versions"])
    have = f"it has 1..{count}" if count else "it has none"
    raise RegistryError(f"registered model {name!r} has no version {number} ({have})")


class Registry:
    """Aliases on artifact versions and registered models with stages."""

    def __init__(self, history: History, *, attempts: int = 25) -> None:
        self._history = history
        self.attempts = attempts

    # -- writing ---------------------------------------------------------
    def _update(self, mutate: _Mutation[_T], *, author: tuple[str, str], message: str) -> _T:
        """Apply ``mutate`` to the newest state and commit it, retrying on races."""
        for attempt in range(self.attempts):
            sha, state = self._history.read_state(REGISTRY_REF)
            state.setdefault("aliases", {})
            state.setdefault("models", {})
            state["format"] = _FORMAT
            now = int(_time.time())
            result, events, default_message = mutate(state, now)
            if not events:  # nothing changed: no commit
                return result
            state["events"] = events
            try:
                self._history.write_state(
                    REGISTRY_REF,
                    state,
                    expected=sha,
                    message=message or default_message,
                    author=author,
                    time=now,
                )
            except ConcurrentUpdateError:
                # Spread competing writers out so one of them wins each round.
                _time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311
                continue
            return result
        raise ConcurrentUpdateError(
            f"the registry kept changing under {self.attempts} attempts; try again"
        )

    def set_alias(
        self,
        path: str,
        alias: str,
        version: int,
        *,
        author: tuple[str, str],
        message: str = "",
    ) -> AliasEvent:
        """Point ``path@alias`` at artifact version ``version``; the move is recorded."""
        validate_path(path)
        validate_ref_name("alias", alias)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise RegistryError(f"version of {path}@{alias} must be a number >= 0, not {version!r}")

        def mutate(state: dict[str, Any], now: int) -> tuple[AliasEvent, list[dict[str, Any]], str]:
            on_path: dict[str, int] = state["aliases"].setdefault(path, {})
            old = on_path.get(alias)
            on_path[alias] = version
            detail = {"path": path, "alias": alias, "old_version": old, "new_version": version}
            moved = f"v{old} -> v{version}" if old is not None else f"v{version}"
            text = f"alias {path}@{alias}: {moved}"
            event = self._alias_event(detail, author, message or text, now)
            return event, [{"kind": "alias", "detail": detail}], text

        return self._update(mutate, author=author, message=message)

    def remove_alias(
        self, path: str, alias: str, *, author: tuple[str, str], message: str = ""
    ) -> AliasEvent:
        """Remove ``path@alias``; RegistryError if it does not exist."""
        validate_path(path)
        validate_ref_name("alias", alias)

        def mutate(state: dict[str, Any], now: int) -> tuple[AliasEvent, list[dict[str, Any]], str]:
            on_path: dict[str, int] = state["aliases"].get(path, {})
            if alias not in on_path:
                known = ", ".join(sorted(on_path)) or "none"
                raise RegistryError(f"no alias {alias!r} on {path} (its aliases: {known})")
            old = on_path.pop(alias)
            if not on_path:
                del state["aliases"][path]
            followed = state.get("follows", {}).get(path, {})
            followed.pop(alias, None)  # a removed alias follows nothing any more
            detail = {"path": path, "alias": alias, "old_version": old, "new_version": None}
            text = f"alias {path}@{alias}: removed (was v{old})"
            event = self._alias_event(detail, author, message or text, now)
            return event, [{"kind": "alias", "detail": detail}], text

        return self._update(mutate, author=author, message=message)

    def set_follow(
        self,
        path: str,
        alias: str,
        rule: follow.FollowRule | None,
        *,
        value: float | None = None,
        author: tuple[str, str],
    ) -> None:
        """Make ``path@alias`` follow ``rule`` (holder's value ``value``), or stop (None)."""
        validate_path(path)
        validate_ref_name("alias", alias)

        def mutate(state: dict[str, Any], now: int) -> tuple[None, list[dict[str, Any]], str]:
            event = follow.set_rule(state, path, alias, rule, value)
            what = f"follows {rule.text}" if rule else "follows no metric any more"
            return None, [event] if event else [], f"alias {path}@{alias} {what}"

        self._update(mutate, author=author, message="")

    def offer(
        self, path: str, alias: str, version: int, value: float, *, author: tuple[str, str]
    ) -> AliasEvent | None:
        """Move a following ``path@alias`` to ``version`` if ``value`` beats its holder's."""

        def mutate(
            state: dict[str, Any], now: int
        ) -> tuple[AliasEvent | None, list[dict[str, Any]], str]:
            moved = follow.offer(state, path, alias, version, value)
            if moved is None:
                return None, [], ""
            detail, reason = moved
            event = self._alias_event(detail, author, reason, now)
            return event, [{"kind": "alias", "detail": {**detail, "reason": reason}}], reason

        return self._update(mutate, author=author, message="")

    def follows(self, path: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
        """``{path: {alias: {"rule", "mode", "metric", "value"}}}`` of the following aliases."""
        return follow.follows_of(self._state(), path)

    @staticmethod
    def _alias_event(
        detail: dict[str, Any], author: tuple[str, str], text: str, now: int
    ) -> AliasEvent:
        return AliasEvent(
            path=detail["path"],
            alias=detail["alias"],
            old_version=detail["old_version"],
            new_version=detail["new_version"],
            author=author[0],
            time=iso_time(now),
            message=text,
        )

    def register(
        self,
        name: str,
        *,
        path: str,
        artifact_version: int,
        file_id: str,
        snapshot: str,
        description: str = "",
        author: tuple[str, str],
        message: str = "",
    ) -> ModelVersion:
        """Add artifact version ``path@v<artifact_version>`` as the next version of ``name``.

        The model is created on first use. Registering a version that is already linked
        returns it unchanged.
        """
        validate_ref_name("model", name)
        validate_path(path)
        if not FULL_SHA_RE.fullmatch(snapshot):
            raise RegistryError(f"snapshot {snapshot!r} is not a full snapshot id")

        def mutate(
            state: dict[str, Any], now: int
        ) -> tuple[ModelVersion, list[dict[str, Any]], str]:
            entry = state["models"].setdefault(name, {"description": "", "versions": []})
            if description:
                entry["description"] = description
            for version in entry["versions"]:
                if version["path"] == path and version["artifact_version"] == artifact_version:
                    return _version_from(name, version), [], ""
            number = max((int(v["number"]) for v in entry["versions"]), default=0) + 1
            record = {
                "number": number,
                "path": path,
                "artifact_version": int(artifact_version),
                "id": file_id,
                "stage": "none",
                "snapshot": snapshot,
            }
            entry["versions"].append(record)
            detail = {"model": name, **record}
            text = f"register {name} version {number}: {path}@v{artifact_version}"
            return _version_from(name, record), [{"kind": "register", "detail": detail}], text

        return self._update(mutate, author=author, message=message)

    def transition(
        self,
        name: str,
        number: int,
        stage: str,
        *,
        reason: str = "",
        author: tuple[str, str],
    ) -> ModelVersion:
        """Move version ``number`` of ``name`` to ``stage``.

        Moving a version to ``production`` archives the model's other production versions;
        those moves are recorded as automatic transitions in the same commit.
        """
        validate_ref_name("model", name)
        target = _stage(stage)

        def mutate(
            state: dict[str, Any], now: int
        ) -> tuple[ModelVersion, list[dict[str, Any]], str]:
            entry = _model_entry(state, name)
            record = _version_entry(entry, name, number)
            old = _stage(str(record["stage"]))
            if old == target:
                return _version_from(name, record), [], ""
            record["stage"] = target
            events = [self._transition(name, number, old, target, reason, automatic=False)]
            if target == "production":
                for other in entry["versions"]:
                    if other is not record and other["stage"] == "production":
                        other["stage"] = "archived"
                        why = f"version {number} moved to production"
                        events.append(
                            self._transition(
                                name,
                                int(other["number"]),
                                "production",
                                "archived",
                                why,
                                automatic=True,
                            )
                        )
            text = f"{name} version {number}: {old} -> {target}"
            if reason:
                text += f"\n\n{reason}"
            return _version_from(name, record), events, text

        return self._update(mutate, author=author, message="")

    @staticmethod
    def _transition(
        name: str, number: int, old: Stage, new: Stage, reason: str, *, automatic: bool
    ) -> dict[str, Any]:
        detail = {
            "model": name,
            "number": number,
            "old_stage": old,
            "new_stage": new,
            "reason": reason,
            "automatic": automatic,
        }
        return {"kind": "transition", "detail": detail}

    def record_tag(
        self, name: str, snapshot: str, action: str, *, author: tuple[str, str], reason: str = ""
    ) -> None:
        """Record that tag ``name`` on ``snapshot`` was ``created`` or ``deleted``, and why.

        Tags are git refs, whose deletion leaves no trace; this event keeps who deleted or
        re-created a name, when and why, so a tag cannot silently move.
        """
        validate_ref_name("tag", name)

        def mutate(state: dict[str, Any], now: int) -> tuple[None, list[dict[str, Any]], str]:
            detail = {"tag": name, "snapshot": snapshot, "action": action, "reason": reason}
            text = (
                f"tag {name} {action} ({'was ' if action == 'deleted' else ''}on {snapshot[:10]})"
            )
            return (
                None,
                [{"kind": "tag", "detail": detail}],
                text + (f"\n\n{reason}" if reason else ""),
            )

        self._update(mutate, author=author, message="")

    # -- reading ---------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return self._history.read_state(REGISTRY_REF)[1]

    def aliases(self, path: str | None = None) -> dict[str, dict[str, int]]:
        """``{path: {alias: version}}``, for one path or all."""
        table: dict[str, dict[str, int]] = self._state().get("aliases", {})
        if path is not None:
            return {path: dict(table[path])} if table.get(path) else {}
        return {p: dict(a) for p, a in sorted(table.items()) if a}

    def _events(self) -> list[tuple[CommitInfo, dict[str, Any]]]:
        """Every recorded event with the commit that made it, newest commit first."""
        return [
            (info, event)
            for info, state in self._history.state_log(REGISTRY_REF)
            for event in state.get("events", [])
        ]

    def alias_history(self, path: str | None = None) -> list[AliasEvent]:
        """Every alias move, newest first, for one path or all."""
        found: list[AliasEvent] = []
        for info, event in self._events():
            detail = event.get("detail", {})
            if event.get("kind") != "alias" or (path is not None and detail.get("path") != path):
                continue
            found.append(
                AliasEvent(
                    path=detail["path"],
                    alias=detail["alias"],
                    old_version=detail.get("old_version"),
                    new_version=detail.get("new_version"),
                    author=info.author,
                    time=info.time,
                    message=info.message,
                )
            )
        return found

    def models(self) -> list[RegisteredModel]:
        """Every registered model with its versions, by name."""
        models: dict[str, Any] = self._state().get("models", {})
        return [self._model(name, models[name]) for name in sorted(models)]

    def model(self, name: str) -> RegisteredModel:
        """One registered model; RegistryError naming the known ones if it does not exist."""
        return self._model(name, _model_entry(self._state(), name))

    @staticmethod
    def _model(name: str, entry: dict[str, Any]) -> RegisteredModel:
        versions = tuple(_version_from(name, v) for v in entry.get("versions", []))
        return RegisteredModel(
            name=name, versions=versions, description=entry.get("description", "")
        )

    def history(self, name: str | None = None) -> list[RegistryEvent]:
        """Registry events newest first: all of them, or the registrations and transitions of
        model ``name`` (RegistryError if it was never registered)."""
        if name is not None:
            _model_entry(self._state(), name)
        found: list[RegistryEvent] = []
        for info, event in self._events():
            detail = event.get("detail", {})
            if name is not None and detail.get("model") != name:
                continue
            found.append(
                RegistryEvent(
                    kind=str(event.get("kind")),
                    detail=dict(detail),
                    author=info.author,
                    time=info.time,
                    message=info.message,
                )
            )
        return found

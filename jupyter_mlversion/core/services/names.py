"""Names on history: tags on snapshots, aliases on artifact versions, the model registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import InvalidNameError, NameExistsError, ReferenceNotFoundError, RegistryError
from ..identity import current_author
from ..model import STAGES, ArtifactVersion, Stage
from ..parts import Parts
from ..refs import split_artifact_ref
from ..results import AliasEvent, ModelVersion, RegisteredModel, RegistryEvent
from .read import Reader


class Names:
    """Tags, aliases and registered models; references are resolved by ``reader``."""

    def __init__(self, parts: Parts, reader: Reader, *, head: Callable[[], str | None]) -> None:
        self._parts = parts
        self._reader = reader
        self._head = head

    # -- tags ------------------------------------------------------------
    def tag(self, name: str, ref: str = "HEAD", *, message: str = "") -> str:
        """Put the immutable tag ``name`` on the snapshot ``ref`` names; returns its id."""
        sha = self._reader.resolve(ref)
        self.ensure_can_tag([name])
        self.create_tag(name, sha, message=message or name, author=current_author())
        return sha

    def create_tag(self, name: str, sha: str, *, message: str, author: tuple[str, str]) -> None:
        """Create tag ``name`` on ``sha`` and record it (a re-created name shows in history)."""
        self._parts.history.create_tag(name, sha, message=message, author=author)
        self._parts.registry.record_tag(name, sha, "created", author=author, reason=message)

    def ensure_can_tag(self, names: Sequence[str]) -> None:
        """Raise unless every name is a valid tag name that no snapshot holds yet.

        A name that reads as a snapshot id prefix (4 to 40 hex digits) is refused: it would
        name one snapshot as a tag and perhaps another as an id.
        """
        from ..history_names import HEX_RE, validate_ref_name

        existing = self._parts.history.tags() if names else {}
        branches = self._parts.history.branches() if names else {}
        for name in names:
            validate_ref_name("tag", name)
            if HEX_RE.fullmatch(name.lower()):
                raise InvalidNameError(
                    f"invalid tag name {name!r}: it reads as a snapshot id prefix; "
                    f"choose a name with a letter beyond a-f, e.g. 'tag-{name}'"
                )
            if name in existing:
                raise NameExistsError(
                    f"tag '{name}' already names snapshot {existing[name][:10]}; "
                    "tags never move: choose another name"
                )
            if name in branches:
                raise NameExistsError(
                    f"'{name}' is a branch; a tag of that name would shadow it in references: "
                    "choose another name"
                )

    def tags(self) -> dict[str, str]:
        """``{tag: snapshot id}``."""
        return self._parts.history.tags() if self._head() else {}

    def tags_by_snapshot(self) -> dict[str, list[str]]:
        """``{snapshot id: [tags]}``, names sorted."""
        out: dict[str, list[str]] = {}
        for name, sha in sorted(self.tags().items()):
            out.setdefault(sha, []).append(name)
        return out

    def delete_tag(self, name: str, *, reason: str = "") -> None:
        """Remove tag ``name`` (the snapshot stays); who, when and why are recorded."""
        sha = self._parts.history.tags().get(name)
        self._parts.history.delete_tag(name)
        if sha is not None:
            self._parts.registry.record_tag(
                name, sha, "deleted", author=current_author(), reason=reason
            )

    # -- aliases ---------------------------------------------------------
    def _version(self, path: str, version: str | int | None) -> ArtifactVersion:
        """The version ``version`` (``v2``, ``2``, an alias; None: the newest) of ``path``."""
        versions = self._reader.versions(path)
        if version is None:
            return versions[-1]
        if isinstance(version, str) and not version.lstrip("v").isdigit():
            if split_artifact_ref(f"{path}@{version}") is None:
                raise ReferenceNotFoundError(f"'{version}' is not a version of {path}")
            return self._reader.resolve_artifact(f"{path}@{version}")
        number = int(str(version).lstrip("v"))
        if not 0 <= number < len(versions):
            raise ReferenceNotFoundError(
                f"no version 'v{number}' of {path} (it has v0..v{len(versions) - 1}); "
                f"try 'mlversion versions {path}'"
            )
        return versions[number]

    def set_alias(
        self, path: str, name: str, version: str | int | None = None, *, message: str = ""
    ) -> ArtifactVersion:
        """Point alias ``name`` of ``path`` at a version (the newest when None); recorded."""
        rel = self._parts.relpath(path)
        target = self._version(rel, version)
        self._parts.registry.set_alias(
            rel, name, target.version, author=current_author(),
            message=message or f"{rel}@{name} -> v{target.version}",
        )  # fmt: skip
        return self._version(rel, target.version)

    def follow_alias(
        self, path: str, name: str, rule: str, version: str | int | None = None, *,
        message: str = "",
    ) -> ArtifactVersion:  # fmt: skip
        """Make alias ``name`` of ``path`` follow ``rule`` (``max accuracy``) from now on.

        The alias is set first when it does not exist or ``version`` is given; the value the
        holder's first snapshot recorded for the metric is what later snapshots must beat.
        """
        from ..follow import parse_rule

        parsed = parse_rule(rule)
        rel = self._parts.relpath(path)
        current = self.aliases(rel).get(rel, {}).get(name)
        if version is not None or current is None:
            target = self.set_alias(rel, name, version, message=message)
        else:
            target = self._version(rel, current)
        row = self._parts.index.snapshot(target.snapshot)
        value = row.summary.get("metrics", {}).get(parsed.metric) if row else None
        number = float(value) if isinstance(value, int | float) else None
        self._parts.registry.set_follow(rel, name, parsed, value=number, author=current_author())
        return target

    def unfollow_alias(self, path: str, name: str) -> None:
        """Stop ``path@name`` from following its metric (it stays where it is)."""
        rel = self._parts.relpath(path)
        self._parts.registry.set_follow(rel, name, None, author=current_author())

    def follows(self, path: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
        """``{path: {alias: {"rule", "mode", "metric", "value"}}}``."""
        if self._head() is None:
            return {}
        return self._parts.registry.follows(None if path is None else self._parts.relpath(path))

    def remove_alias(self, path: str, name: str) -> None:
        """Drop alias ``name`` of ``path``; the removal is recorded."""
        rel = self._parts.relpath(path)
        self._parts.registry.remove_alias(rel, name, author=current_author())

    def aliases(self, path: str | None = None) -> dict[str, dict[str, int]]:
        """``{path: {alias: version}}``."""
        if self._head() is None:
            return {}
        return self._parts.registry.aliases(None if path is None else self._parts.relpath(path))

    def alias_history(self, path: str | None = None) -> list[AliasEvent]:
        """Every alias move, newest first, of ``path`` or of all paths."""
        if self._head() is None:
            return []
        rel = None if path is None else self._parts.relpath(path)
        return self._parts.registry.alias_history(rel)

    # -- model registry --------------------------------------------------
    def register_model(self, name: str, ref: str, *, description: str = "") -> ModelVersion:
        """Link an artifact version (``PATH@vN``, ``PATH@alias``, a path's newest) to ``name``."""
        artifact = (
            self._reader.resolve_artifact(ref)
            if split_artifact_ref(ref) is not None
            else self._reader.versions(ref)[-1]
        )
        return self._parts.registry.register(
            name,
            path=artifact.path,
            artifact_version=artifact.version,
            file_id=artifact.id,
            snapshot=artifact.snapshot,
            description=description,
            author=current_author(),
        )

    def promote_model(
        self, name: str, version: int, stage: Stage, *, reason: str = ""
    ) -> ModelVersion:
        """Move version ``version`` of model ``name`` to ``stage``; every move is recorded."""
        if stage not in STAGES:
            raise RegistryError(f"unknown stage '{stage}'; stages are {', '.join(STAGES)}")
        return self._parts.registry.transition(
            name, int(version), stage, reason=reason, author=current_author()
        )

    def registered_models(self) -> list[RegisteredModel]:
        """Every registered model with its linked versions and stages."""
        return self._parts.registry.models() if self._head() else []

    def registry_history(self, name: str | None = None) -> list[RegistryEvent]:
        """Registry events newest first: all, or the registrations and moves of model ``name``."""
        return self._parts.registry.history(name) if self._head() else []

"""Names on history: tags on snapshots, aliases on artifact versions, the model registry."""

# The mixins annotate ``self`` as the Repository they are mixed into, so that each
# body is checked against the whole facade; mypy flags that pattern itself ("misc").
# mypy: disable-error-code="misc"

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ReferenceNotFoundError, RegistryError
from .identity import current_author
from .model import STAGES, ArtifactVersion, Stage
from .refs import split_artifact_ref
from .results import AliasEvent, ModelVersion, RegisteredModel, RegistryEvent

if TYPE_CHECKING:
    from .repository import Repository


class NamesMixin:
    """Tags, aliases and registered models."""

    # -- tags ------------------------------------------------------------
    def tag(self: Repository, name: str, ref: str = "HEAD", *, message: str = "") -> str:
        """Put the immutable tag ``name`` on the snapshot ``ref`` names; returns its id."""
        sha = self.resolve(ref)
        self.ensure_can_tag([name])
        self.history.create_tag(name, sha, message=message or name, author=current_author())
        return sha

    def tags(self: Repository) -> dict[str, str]:
        """``{tag: snapshot id}``."""
        return self.history.tags() if self.head() else {}

    def tags_by_snapshot(self: Repository) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, sha in sorted(self.tags().items()):
            out.setdefault(sha, []).append(name)
        return out

    def delete_tag(self: Repository, name: str) -> None:
        self.history.delete_tag(name)

    # -- aliases ---------------------------------------------------------
    def _version_number(self: Repository, path: str, version: str | int | None) -> ArtifactVersion:
        versions = self.versions(path)
        if version is None:
            return versions[-1]
        if isinstance(version, str) and not version.lstrip("v").isdigit():
            parsed = split_artifact_ref(f"{path}@{version}")
            if parsed is None:
                raise ReferenceNotFoundError(f"'{version}' is not a version of {path}")
            return self.resolve_artifact(f"{path}@{version}")
        number = int(str(version).lstrip("v"))
        if not 0 <= number < len(versions):
            raise ReferenceNotFoundError(
                f"no version 'v{number}' of {path} (it has v0..v{len(versions) - 1}); "
                f"try 'mlversion versions {path}'"
            )
        return versions[number]

    def set_alias(
        self: Repository,
        path: str,
        name: str,
        version: str | int | None = None,
        *,
        message: str = "",
    ) -> ArtifactVersion:
        """Point alias ``name`` of ``path`` at a version (the newest when None); recorded."""
        rel = self.relpath(path)
        target = self._version_number(rel, version)
        self.registry.set_alias(
            rel, name, target.version, author=current_author(),
            message=message or f"{rel}@{name} -> v{target.version}",
        )  # fmt: skip
        return self._version_number(rel, target.version)

    def remove_alias(self: Repository, path: str, name: str) -> None:
        rel = self.relpath(path)
        self.registry.remove_alias(rel, name, author=current_author())

    def aliases(self: Repository, path: str | None = None) -> dict[str, dict[str, int]]:
        """``{path: {alias: version}}``."""
        if self.head() is None:
            return {}
        return self.registry.aliases(None if path is None else self.relpath(path))

    def alias_history(self: Repository, path: str | None = None) -> list[AliasEvent]:
        if self.head() is None:
            return []
        return self.registry.alias_history(None if path is None else self.relpath(path))

    # -- model registry --------------------------------------------------
    def register_model(
        self: Repository, name: str, ref: str, *, description: str = ""
    ) -> ModelVersion:
        """Link an artifact version (``PATH@vN``, ``PATH@alias``, a path's newest) to ``name``."""
        artifact = (
            self.resolve_artifact(ref)
            if split_artifact_ref(ref) is not None
            else self.versions(ref)[-1]
        )
        return self.registry.register(
            name,
            path=artifact.path,
            artifact_version=artifact.version,
            file_id=artifact.id,
            snapshot=artifact.snapshot,
            description=description,
            author=current_author(),
        )

    def promote_model(
        self: Repository, name: str, version: int, stage: Stage, *, reason: str = ""
    ) -> ModelVersion:
        """Move version ``version`` of model ``name`` to ``stage``; every move is recorded."""
        if stage not in STAGES:
            raise RegistryError(f"unknown stage '{stage}'; stages are {', '.join(STAGES)}")
        return self.registry.transition(
            name, int(version), stage, reason=reason, author=current_author()
        )

    def registered_models(self: Repository) -> list[RegisteredModel]:
        return self.registry.models() if self.head() else []

    def registry_history(self: Repository, name: str | None = None) -> list[RegistryEvent]:
        return self.registry.history(name) if self.head() else []

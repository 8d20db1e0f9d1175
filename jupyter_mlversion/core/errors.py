"""Typed errors raised by the engine.

Every message is written for the person at the keyboard: it names the path or
reference involved and says what to do next. Adapters (CLI, magic, REST) map
these classes once, to an exit code, a printed line or an HTTP status.
"""

from __future__ import annotations


class MlversionError(Exception):
    """Base class: a problem the user can understand and act on."""

    #: HTTP status the REST layer answers with; CLI exit codes derive from it.
    http_status = 400


class NotAProjectError(MlversionError):
    """No `.mlversion/` folder here or in any parent folder."""

    http_status = 404


class ProjectExistsError(MlversionError):
    """`init` on a folder that already holds a project."""

    http_status = 409


class PathOutsideProjectError(MlversionError):
    """A path that resolves outside the project root (``..``, absolute, escaping symlink)."""


class UnreadableFileError(MlversionError):
    """A file that cannot be read (permissions, vanished, not a regular file)."""


class FileChangedError(MlversionError):
    """A file kept changing while it was being read; it was not stored."""

    http_status = 409


class ReferenceNotFoundError(MlversionError):
    """A reference (snapshot id, tag, ``HEAD~N``, ``PATH@vN``...) that names nothing."""

    http_status = 404


class AmbiguousReferenceError(MlversionError):
    """A snapshot id prefix that matches several snapshots."""


class InvalidNameError(MlversionError):
    """A tag, alias or model name that git or the registry would misread."""


class NameExistsError(MlversionError):
    """A tag or registered model that already exists."""

    http_status = 409


class ConcurrentUpdateError(MlversionError):
    """Another process moved a ref or held the lock for too long; retrying is safe."""

    http_status = 409


class CorruptObjectError(MlversionError):
    """An object whose bytes no longer match its id."""

    http_status = 500


class MissingObjectError(MlversionError):
    """An object a snapshot needs is not in the store."""

    http_status = 500


class StorageFullError(MlversionError):
    """The disk filled up while writing; nothing partial was kept."""

    http_status = 507


class RegistryError(MlversionError):
    """An invalid model-registry operation (unknown model or version, bad stage)."""


class NothingToRestoreError(MlversionError):
    """A restore request that selects no file (e.g. a cell that read nothing)."""

    http_status = 404


class ConfigError(MlversionError):
    """A damaged or malformed settings file (``config.toml``, ``tracked.json``)."""

    http_status = 500


class IndexDamagedError(MlversionError):
    """``index.sqlite`` was damaged; it was moved aside and is rebuilt from history."""

    http_status = 503


class HistoryError(MlversionError):
    """git could not read or write the history repository."""

    http_status = 500


class BranchNotMergedError(MlversionError):
    """Deleting a branch whose snapshots no other branch or tag reaches (``-D`` forces it)."""

    http_status = 409

    def __init__(self, message: str, unreachable: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class MergeInProgressError(MlversionError):
    """A merge waits for its conflicts to be resolved; continue or abort it first."""

    http_status = 409


class NoMergeInProgressError(MlversionError):
    """``--continue``, ``--abort`` or ``resolve`` with no merge waiting."""

    http_status = 409


class UnresolvedConflictsError(MlversionError):
    """``merge --continue`` while some conflicting paths are not resolved yet."""

    http_status = 409


class ReadOnlyProjectError(MlversionError):
    """The project's ``.mlversion/`` is not writable by this user (a shared volume, read-only)."""

    http_status = 403


class RemoteError(MlversionError):
    """A remote could not be reached or answered with an error (network, endpoint, bucket)."""

    http_status = 502


class RemoteAuthError(RemoteError):
    """The remote refused our credentials or their permissions."""

    http_status = 403


class RemoteNotFoundError(MlversionError):
    """No remote of that name is configured in the project."""

    http_status = 404


class RemoteCorruptError(RemoteError):
    """An object downloaded from a remote does not match its id; it was refused."""


class NonFastForwardError(MlversionError):
    """A push that would drop snapshots the remote has and this project lacks."""

    http_status = 409


class DivergedError(MlversionError):
    """Local and remote both have snapshots the other lacks; a merge is needed."""

    http_status = 409


class UnsavedWorkError(MlversionError):
    """A pull would overwrite files holding work no snapshot has; nothing was changed."""

    http_status = 409

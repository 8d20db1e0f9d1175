"""The remote half of the :class:`~jupyter_mlversion.core.repository.Repository` facade.

One-line delegations into :class:`.service.Remotes`, mixed into ``Repository`` so that the
facade stays one object for every surface.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MlversionError, ProjectExistsError, RemoteError
from ..progress import Progress
from .results import FetchResult, PullResult, PushResult, RemoteStatus

if TYPE_CHECKING:
    from ..parts import Parts
    from ..repository import Repository
    from ..services.restore import Restorer
    from .service import Remotes


class RemoteMethods:
    """``remote_add``, ``remotes``, ``fetch``, ``push``, ``pull``, ``clone``..."""

    if TYPE_CHECKING:
        parts: Parts

        @cached_property
        def _restorer(self) -> Restorer: ...

        def relpath(self, path: str | Path) -> str: ...

    @cached_property
    def _remotes(self) -> Remotes:
        from .service import Remotes

        return Remotes(self.parts, self._restorer.fast_forward)

    def remote_add(self, name: str, url: str) -> dict[str, str]:
        """Add remote ``name`` at ``url``; a URL with credentials in it is refused."""
        return self._remotes.add(name, url)

    def remote_remove(self, name: str) -> dict[str, str]:
        return self._remotes.remove(name)

    def remotes(self) -> list[dict[str, str]]:
        """``[{name, url}]`` in the order they were added."""
        return self._remotes.list_remotes()

    def remote_status(self, branch: str | None = None) -> list[RemoteStatus]:
        """Ahead/behind of ``branch`` (the current one) for each remote, as of the last fetch."""
        return self._remotes.status(branch)

    def fetch(
        self,
        remote: str | None = None,
        *,
        data: bool = False,
        paths: Iterable[str | Path] = (),
        progress: Progress | None = None,
    ) -> FetchResult:
        """History, branches, tags and registry from ``remote``; data too with ``data``."""
        rels = [self.relpath(p) for p in paths]
        return self._remotes.fetch(remote, data=data or bool(rels), paths=rels, progress=progress)

    def push(
        self,
        remote: str | None = None,
        branch: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> PushResult:
        """Upload what ``remote`` lacks of ``branch``, the tags and registry; refs last, by CAS."""
        return self._remotes.push(remote, branch, progress=progress)

    def pull(
        self,
        remote: str | None = None,
        branch: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> PullResult:
        """Fetch, then fast-forward ``branch`` and the working tree (DivergedError if not)."""
        return self._remotes.pull(remote, branch, progress=progress)

    @classmethod
    def clone(
        cls,
        url: str,
        dest: str | Path,
        *,
        name: str = "origin",
        data: bool = True,
        progress: Progress | None = None,
    ) -> tuple[Repository, dict[str, Any]]:
        """A new project in ``dest`` from ``url``: history, names and notebooks, plus the
        newest snapshot's data unless ``data`` is False (then it comes when restored).

        On any failure ``dest`` is removed again if this call created it.
        """
        from ..repository import Repository
        from .backends import open_backend
        from .urls import parse_url

        folder = Path(dest).resolve()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ProjectExistsError(f"{folder} exists and is not empty; clone into a new folder")
        backend = open_backend(name, parse_url(url))
        raw, _ = backend.read_refs()
        if raw is None:
            raise RemoteError(f"{backend.where} is empty: nothing to clone (push to it first)")
        created = not folder.exists()
        try:
            repo = Repository.init(folder)
            repo.remote_add(name, url)
            return repo, repo._remotes.checkout_clone(name, data=data, progress=progress)
        except (MlversionError, OSError, KeyboardInterrupt):
            if created:
                shutil.rmtree(folder, ignore_errors=True)
            raise

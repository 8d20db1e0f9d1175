"""Annotated tags on snapshots, created and deleted with compare-and-swap."""

from __future__ import annotations

import time as _time

from .errors import ConcurrentUpdateError, NameExistsError, ReferenceNotFoundError
from .history_git import ZERO_OID, GitRunner, ident
from .history_names import FULL_SHA_RE, validate_ref_name


class TagsMixin:
    """Tag operations of :class:`~.history.History` (kept apart to keep files small)."""

    _git: GitRunner

    def _object_type(self, spec: str) -> str | None:
        code, out, _ = self._git.try_run("cat-file", "-t", spec)
        return out.decode().strip() if code == 0 else None

    def create_tag(
        self,
        name: str,
        commit: str,
        *,
        message: str,
        author: tuple[str, str],
        time: float | None = None,
    ) -> None:
        """Create annotated tag ``name`` on ``commit``; NameExistsError if the name is taken."""
        validate_ref_name("tag", name)
        if not FULL_SHA_RE.fullmatch(commit) or self._object_type(commit) != "commit":
            raise ReferenceNotFoundError(f"cannot tag {commit!r}: no such snapshot")
        existing = self.tags()
        if name in existing:
            raise NameExistsError(
                f"tag {name!r} already exists on {existing[name][:10]}; "
                "choose another name or delete it first"
            )
        stamp = int(_time.time() if time is None else time)
        body = (
            f"object {commit}\ntype commit\ntag {name}\n"
            f"tagger {ident(*author)} {stamp} +0000\n\n{message.rstrip()}\n"
        )
        tag_sha = self._git.run("mktag", input=body.encode("utf-8")).decode().strip()
        code, _, err = self._git.try_run(
            "update-ref", "-m", f"mlversion: tag {name}", f"refs/tags/{name}", tag_sha, ZERO_OID
        )
        if code != 0:
            raise NameExistsError(
                f"tag {name!r} cannot be created: it (or a tag it nests in) exists; "
                f"choose another name. git said: {err.strip()}"
            )

    def tags(self) -> dict[str, str]:
        """Every tag: ``{name: commit sha}``."""
        out = self._git.run(
            "for-each-ref", "--format=%(refname)%00%(objectname)%00%(*objectname)", "refs/tags"
        )
        found: dict[str, str] = {}
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            ref, obj, peeled = line.split("\0")
            found[ref.removeprefix("refs/tags/")] = peeled or obj
        return found

    def tags_for(self, commit: str) -> list[str]:
        """Names of the tags on ``commit``, sorted."""
        return sorted(name for name, sha in self.tags().items() if sha == commit)

    def delete_tag(self, name: str) -> None:
        """Delete tag ``name``; ReferenceNotFoundError if there is none."""
        validate_ref_name("tag", name)
        ref = f"refs/tags/{name}"
        code, out, _ = self._git.try_run("rev-parse", "--verify", "-q", ref)
        if code != 0:
            known = ", ".join(sorted(self.tags())) or "none"
            raise ReferenceNotFoundError(f"no tag {name!r}; existing tags: {known}")
        current = out.decode().strip()
        code, _, err = self._git.try_run("update-ref", "-d", ref, current)
        if code != 0:
            raise ConcurrentUpdateError(f"tag {name!r} changed while deleting it: {err.strip()}")

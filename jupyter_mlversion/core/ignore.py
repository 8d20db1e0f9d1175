"""``.mlversionignore``: gitignore-style patterns of files never tracked."""

from __future__ import annotations

from pathlib import Path

import pathspec

from .config import ALWAYS_IGNORED


class IgnoreRules:
    """Matches project-relative paths against ``.mlversionignore`` and fixed exclusions."""

    def __init__(self, root: Path) -> None:
        lines: list[str] = []
        path = root / ".mlversionignore"
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, rel: str, *, is_dir: bool = False) -> bool:
        parts = rel.split("/")
        if any(p in ALWAYS_IGNORED for p in parts):
            return True
        return self._spec.match_file(rel + "/" if is_dir else rel)

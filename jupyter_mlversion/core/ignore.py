"""``.mlversionignore``: gitignore-style patterns of files never tracked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .config import ALWAYS_IGNORED
from .layout import IGNORE_FILE

if TYPE_CHECKING:
    import pathspec


class IgnoreRules:
    """Matches project-relative paths against ``.mlversionignore`` and fixed exclusions."""

    def __init__(self, root: Path) -> None:
        lines: list[str] = []
        path = root / IGNORE_FILE
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
        patterns = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        self._spec: pathspec.GitIgnoreSpec | None = None
        if patterns:  # pathspec costs ~30 ms to import and a match per file: only when needed
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(lines)

    @property
    def has_patterns(self) -> bool:
        """True when ``.mlversionignore`` holds patterns (beyond the fixed exclusions)."""
        return self._spec is not None

    def ignored(self, rel: str, *, is_dir: bool = False) -> bool:
        parts = rel.split("/")
        if any(p in ALWAYS_IGNORED for p in parts):
            return True
        if self._spec is None:
            return False
        return bool(self._spec.match_file(rel + "/" if is_dir else rel))

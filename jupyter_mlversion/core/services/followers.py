"""After a snapshot: move each alias that follows a metric the snapshot recorded, if better."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..model import FileEntry
from ..results import AliasEvent

if TYPE_CHECKING:
    from ..parts import Parts


def move_followers(
    parts: Parts,
    version_of: Callable[[str, str | None], int | None],
    now: Mapping[str, FileEntry],
    metrics: Mapping[str, float],
    author: tuple[str, str],
) -> list[AliasEvent]:
    """Offer each following alias its path's version in ``now`` with the recorded value.

    Only snapshots that record metrics read the registry; the registry decides each move
    on its newest state (see :mod:`..follow`), so concurrent snapshots never move an alias
    to a worse value.
    """
    if not metrics:
        return []
    moved = []
    for path, rules in parts.registry.follows().items():
        entry = now.get(path)
        if entry is None:
            continue
        for alias, rule in rules.items():
            value = metrics.get(str(rule["metric"]))
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            version = version_of(path, entry.id)
            if version is None:
                continue
            event = parts.registry.offer(path, alias, version, float(value), author=author)
            if event is not None:
                moved.append(event)
    return moved

"""The progress contract of long operations, and the meter that keeps it.

Every engine operation that takes a ``progress`` argument calls ``progress(done, total, label)``:
``done`` and ``total`` are in the same unit (:data:`UNITS` names it per operation), ``done`` never
decreases and never exceeds ``total``, and the last call has ``done == total``. ``label`` says what
is being worked on (a path, or a phase such as ``"verifying objects"``).

The store's own callbacks are simpler: they receive one number, the running count of the file or
pass at hand (bytes of this file so far, objects so far), never an increment. :meth:`Meter.file`
turns such a running count into the operation's progress.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
BYTES = "bytes"
OBJECTS = "objects"
#: The unit of ``done`` and ``total`` for each operation that reports progress.
UNITS: dict[str, str] = {
    "snapshot": BYTES,
    "restore": BYTES,
    "checkout": BYTES,
    "status": BYTES,
    "verify": OBJECTS,
    "gc": OBJECTS,
    "push": BYTES,
    "pull": BYTES,
    "fetch": BYTES,
}


def unit_of(operation: str) -> str:
    """The unit in which ``operation`` reports progress (bytes unless it counts objects)."""
    return UNITS.get(operation, BYTES)


class Meter:
    """Reports one operation's progress: monotonic, capped at ``total``, finished exactly once."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self.total = max(total, 0)
        self.done = 0  # what was last reported
        self._base = 0  # units of the items already finished
        self._label = ""

    def report(self, done: int, label: str) -> None:
        """Report ``done`` units, clamped so that the bar never goes back nor past the end."""
        done = min(max(done, self.done), self.total)
        self.done, self._label = done, label
        if self._progress is not None:
            self._progress(done, self.total, label)

    def file(self, label: str) -> Callable[[int], None] | None:
        """A store callback for one item: its running count is added to the finished items."""
        if self._progress is None:
            return None
        base = self._base
        # A re-read (the file changed while it was read) restarts its count from 0: report()
        # holds the bar where it was instead of moving it back.
        return lambda running: self.report(base + running, label)

    def finished(self, size: int, label: str) -> None:
        """One item of ``size`` units is done, whatever its callback reported meanwhile."""
        self._base += size
        self.report(self._base, label)

    def close(self, label: str | None = None) -> None:
        """The operation is over: report ``done == total`` (a file may have shrunk meanwhile)."""
        self.done = self.total
        if self._progress is not None:
            self._progress(self.total, self.total, self._label if label is None else label)

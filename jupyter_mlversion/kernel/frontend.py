"""Save-before-snapshot handshake with the JupyterLab extension, over a Jupyter comm.

Protocol (target name ``mlversion.save``, version 1):

1. Either side opens the comm. The kernel opens it when the extension loads, with data
   ``{"protocol": 1}``; a frontend that connects later may open it itself (the kernel
   registers the target). The frontend answers ``{"ready": true}`` on the comm.
2. At commit time the kernel sends ``{"action": "save", "request_id": ID, "path": NOTEBOOK}``
   (``path`` relative to the server root as in ``JPY_SESSION_NAME``, may be null).
3. The frontend saves the notebook document attached to this kernel and answers
   ``{"request_id": ID, "saved": true}`` (or ``{"saved": false, "error": "..."}``).

While a cell runs the kernel cannot read its shell channel, so it does not rely on the
answer: it watches the notebook file until the save lands (size or mtime changes and then
stays put), for at most ``timeout`` seconds. With no frontend that said ready it does not
wait at all, and the commit says that the last saved file was used.
"""

# os.path, not pathlib: these run once per cell and per opened file (W9 budget).
from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

TARGET = "mlversion.save"
PROTOCOL = 1


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    note: str  # what the user reads in the commit result


class SaveChannel:
    """The kernel's end of the handshake; inert outside a real kernel."""

    def __init__(self, shell: Any) -> None:
        self.ready = False
        self._comm: Any = None
        self._replies: dict[str, dict[str, Any]] = {}
        kernel = getattr(shell, "kernel", None)
        manager = getattr(kernel, "comm_manager", None)
        if manager is None:
            return
        try:
            manager.register_target(TARGET, self._on_open)
            from comm import create_comm

            self._attach(create_comm(target_name=TARGET, data={"protocol": PROTOCOL}))
        except Exception:  # a kernel without comms: the handshake is simply unavailable
            self._comm = None

    def close(self) -> None:
        if self._comm is not None:
            with contextlib.suppress(Exception):  # the frontend may already be gone
                self._comm.close()
        self._comm = None
        self.ready = False

    def _attach(self, comm: Any) -> None:
        self._comm = comm
        comm.on_msg(self._on_msg)
        comm.on_close(self._on_close)

    def _on_open(self, comm: Any, msg: dict[str, Any]) -> None:
        self._attach(comm)
        self._on_msg(msg)

    def _on_msg(self, msg: dict[str, Any]) -> None:
        data = msg.get("content", {}).get("data") or {}
        if data.get("ready"):
            self.ready = True
        if "request_id" in data:
            self._replies[str(data["request_id"])] = data

    def _on_close(self, msg: dict[str, Any]) -> None:
        self._comm = None
        self.ready = False

    def save(self, notebook: str | None, api_path: str | None, timeout: float) -> SaveOutcome:
        """Ask the frontend to save ``notebook`` (absolute path) and wait for it on disk."""
        if notebook is None:
            return SaveOutcome(False, "no notebook is known for this kernel")
        stale = (
            f"used the last saved file of {api_path or notebook}; "
            "unsaved edits are not in this snapshot"
        )
        if not self.ready or self._comm is None:
            return SaveOutcome(False, f"{stale} (no JupyterLab extension answered)")
        before = _stat(notebook)
        request = uuid.uuid4().hex
        self._comm.send({"action": "save", "request_id": request, "path": api_path})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._replies.pop(request, None)
            if reply is not None:
                if reply.get("saved"):
                    return SaveOutcome(True, "saved by JupyterLab just before the snapshot")
                return SaveOutcome(False, f"{stale} ({reply.get('error', 'save failed')})")
            now = _stat(notebook)
            if now != before:
                _settle(notebook, now, deadline)
                return SaveOutcome(True, "saved by JupyterLab just before the snapshot")
            time.sleep(0.02)
        return SaveOutcome(False, f"{stale} (JupyterLab did not save within {timeout:g} s)")


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _settle(path: str, seen: tuple[int, int] | None, deadline: float) -> None:
    """Wait until the file stops changing, in case the server writes it in place."""
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = _stat(path)
        if now == seen:
            return
        seen = now

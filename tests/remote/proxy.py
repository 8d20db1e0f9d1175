"""A TCP proxy on loopback that breaks connections carrying chosen requests (network faults)."""

from __future__ import annotations

import re
import socket
import struct
import threading
from contextlib import suppress


class BreakingProxy:
    """Forwards to ``upstream``; a request whose bytes match the regex ``pattern`` resets
    the connection instead, ``budget`` times (None: every time)."""

    def __init__(self, upstream: tuple[str, int], pattern: bytes, budget: int | None) -> None:
        self.upstream, self.pattern, self.budget = upstream, re.compile(pattern), budget
        self.broken = 0
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        with suppress(OSError):
            self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _should_break(self, chunk: bytes) -> bool:
        if self.pattern.search(chunk) is None:
            return False
        with self._lock:
            if self.budget is not None and self.broken >= self.budget:
                return False
            self.broken += 1
            return True

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return

        def reset() -> None:
            # SO_LINGER 0: the peer sees a connection reset, as on a real network failure.
            with suppress(OSError):
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            for sock in (client, upstream):
                with suppress(OSError):
                    sock.close()

        def downstream() -> None:
            with suppress(OSError):
                while data := upstream.recv(65536):
                    client.sendall(data)
            reset()

        threading.Thread(target=downstream, daemon=True).start()
        with suppress(OSError):
            while data := client.recv(65536):
                if self._should_break(data):
                    break
                upstream.sendall(data)
        reset()

"""One codec, many threads: zstd contexts are per thread, so no decode sees another's state.

A shared decompression context raced by the Jupyter server's threads (or a restore's) made a
sound object look corrupt ("Data corruption detected").
"""

from __future__ import annotations

import os
import threading

from store_helpers import run_in_threads

from jupyter_mlversion.core.store.encoding import Codec


def _payloads() -> list[bytes]:
    """Compressible records of different sizes (text with some noise)."""
    out = []
    for n in range(8):
        words = b" ".join(b"word%d" % (i % (50 + n)) for i in range(20_000 + 5_000 * n))
        out.append(words + os.urandom(1024))
    return out


def test_many_threads_decode_and_encode_through_one_codec() -> None:
    codec = Codec()
    payloads = _payloads()
    records = [b"".join(codec.encode_blob(p, compress=True)) for p in payloads]
    assert all(len(r) < len(p) for r, p in zip(records, payloads, strict=True))
    start = threading.Barrier(8)

    def work(k: int) -> None:
        start.wait()
        for i in range(60):
            n = (k + i) % len(records)
            kind, body = codec.decode(f"obj{n}", records[n])
            assert kind == "b"
            assert bytes(body) == payloads[n]
            again = b"".join(codec.encode_blob(payloads[n], compress=True))
            assert bytes(codec.decode(f"obj{n}", again)[1]) == payloads[n]

    assert run_in_threads(work, 8) == []

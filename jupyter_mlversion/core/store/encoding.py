"""How an object's bytes look on disk: a 4-byte header, then the (maybe compressed) payload.

Header: ``b"MV"``, a kind byte (``b`` blob: file or chunk bytes; ``m`` manifest) and an
encoding byte (``r`` raw, ``z`` zstd). A manifest's payload is the 32-byte BLAKE3 digest of
its JSON body followed by the body, so a manifest can be checked without reading its chunks
(its id is the file's hash, which only the chunks can prove).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import blake3
import zstandard

from ..errors import CorruptObjectError

MAGIC = b"MV"
HEADER_LEN = 4
KIND_BLOB = "b"
KIND_MANIFEST = "m"
ENC_RAW = "r"
ENC_ZSTD = "z"

#: Compress only when it saves at least this fraction of the sample.
_MIN_SAVING = 0.10
#: Below this size the header and zstd frame overhead eat any saving.
_MIN_COMPRESS_SIZE = 512

Buffer = bytes | bytearray | memoryview


@dataclass(frozen=True)
class Manifest:
    """The chunks of a multi-chunk file, in order."""

    size: int
    chunks: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON (deterministic with ``sort_keys``)."""
        return {"v": 1, "size": self.size, "chunks": [list(c) for c in self.chunks]}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Manifest:
        """Inverse of :meth:`to_dict`; raises ``ValueError``/``TypeError`` on bad shapes."""
        raw_chunks = data["chunks"]
        if not isinstance(raw_chunks, list):
            raise TypeError("chunks is not a list")
        chunks = tuple((str(c[0]), int(c[1])) for c in raw_chunks)
        size = data["size"]
        if not isinstance(size, int) or size != sum(n for _, n in chunks):
            raise ValueError("manifest size does not match its chunks")
        return cls(size=size, chunks=chunks)


class Codec:
    """Encodes and decodes object records, from any number of threads.

    zstd contexts must not be used by two threads at once: a decompression that raced another
    one in the same context failed with "Data corruption detected", a false report that a
    stored object was corrupt. Each thread gets contexts of its own.
    """

    def __init__(self, level: int = 3) -> None:
        self._level = level
        self._local = threading.local()

    @property
    def _compressor(self) -> zstandard.ZstdCompressor:
        made: zstandard.ZstdCompressor | None = getattr(self._local, "compressor", None)
        if made is None:
            made = zstandard.ZstdCompressor(level=self._level, write_content_size=True)
            self._local.compressor = made
        return made

    @property
    def _decompressor(self) -> zstandard.ZstdDecompressor:
        made: zstandard.ZstdDecompressor | None = getattr(self._local, "decompressor", None)
        if made is None:
            made = self._local.decompressor = zstandard.ZstdDecompressor()
        return made

    def pays_to_compress(self, sample: Buffer) -> bool:
        """True when zstd shrinks ``sample`` by at least 10% (try it on a first chunk)."""
        if len(sample) < _MIN_COMPRESS_SIZE:
            return False
        packed = self._compressor.compress(sample)
        return len(packed) <= len(sample) * (1 - _MIN_SAVING)

    def encode_blob(self, data: Buffer, *, compress: bool) -> list[Buffer]:
        """Header and payload of a blob; raw when compression does not shrink it."""
        if compress and len(data) >= _MIN_COMPRESS_SIZE:
            packed = self._compressor.compress(data)
            if len(packed) < len(data):
                return [_header(KIND_BLOB, ENC_ZSTD), packed]
        return [_header(KIND_BLOB, ENC_RAW), data]

    def encode_manifest(self, manifest: Manifest) -> list[Buffer]:
        """Header, body digest and (compressed) JSON body of a manifest."""
        body = json.dumps(manifest.to_dict(), sort_keys=True, separators=(",", ":")).encode()
        payload = blake3.blake3(body).digest() + body
        return [_header(KIND_MANIFEST, ENC_ZSTD), self._compressor.compress(payload)]

    def decode(self, oid: str, record: Buffer) -> tuple[str, bytes | memoryview]:
        """Split a record into (kind, raw payload); CorruptObjectError on a bad record."""
        head = bytes(record[:HEADER_LEN])
        if len(head) != HEADER_LEN or head[:2] != MAGIC:
            raise _corrupt(oid, "its header is damaged")
        kind, enc = chr(head[2]), chr(head[3])
        body = memoryview(record)[HEADER_LEN:]
        if kind not in (KIND_BLOB, KIND_MANIFEST):
            raise _corrupt(oid, f"unknown object kind {kind!r}")
        if enc == ENC_RAW:
            return kind, body
        if enc != ENC_ZSTD:
            raise _corrupt(oid, f"unknown encoding {enc!r}")
        try:
            return kind, self._decompressor.decompress(body)
        except zstandard.ZstdError as exc:
            raise _corrupt(oid, f"it does not decompress ({exc})") from exc

    def parse_manifest(self, oid: str, payload: Buffer) -> Manifest:
        """Check a manifest payload's own digest and parse it."""
        digest, body = bytes(payload[:32]), bytes(payload[32:])
        if blake3.blake3(body).digest() != digest:
            raise _corrupt(oid, "its chunk list does not match its checksum")
        try:
            return Manifest.from_dict(json.loads(body))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise _corrupt(oid, f"its chunk list is unreadable ({exc})") from exc


def record_size(parts: Sequence[Buffer]) -> int:
    """Total length of an encoded record given as parts."""
    return sum(len(p) for p in parts)


def _header(kind: str, enc: str) -> bytes:
    return MAGIC + kind.encode() + enc.encode()


def _corrupt(oid: str, why: str) -> CorruptObjectError:
    return CorruptObjectError(
        f"object {oid} is corrupt: {why}; run 'mlversion verify' and restore the object "
        "from a backup or a teammate's store"
    )

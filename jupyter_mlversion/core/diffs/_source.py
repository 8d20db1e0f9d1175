"""Inputs of a diff: a local path, a binary stream or an iterable of byte chunks.

The engine streams stored files as ``Iterable[bytes]``; formats that must seek (Parquet,
Feather, safetensors) or be read twice get a temporary spool file, filled chunk by chunk,
so a large file is never held in memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

import blake3

from ..errors import MlversionError, UnreadableFileError

#: What every diff function accepts for each side.
Source = str | os.PathLike[str] | BinaryIO | Iterable[bytes]

_CHUNK = 1 << 20


class UnsupportedFormatError(MlversionError):
    """A file whose format this diff cannot read (unknown extension or wrong kind)."""

    http_status = 415


def is_path(source: Source) -> bool:
    """True when ``source`` names a local file rather than carrying bytes."""
    return isinstance(source, str | os.PathLike)


def iter_chunks(source: Source, name: str) -> Iterator[bytes]:
    """Yield the bytes of ``source`` in chunks of at most about 1 MiB."""
    if is_path(source):
        try:
            with Path(source).open("rb") as handle:  # type: ignore[arg-type]
                while chunk := handle.read(_CHUNK):
                    yield chunk
        except OSError as exc:
            raise UnreadableFileError(
                f"cannot read {name} ({exc.strerror or exc}); check that the file exists "
                "and is readable"
            ) from exc
        return
    read = getattr(source, "read", None)
    if callable(read):
        while chunk := read(_CHUNK):
            yield bytes(chunk)
        return
    for piece in cast(Iterable[bytes], source):
        if piece:
            yield bytes(piece)


def read_all(source: Source, name: str) -> bytes:
    """Read a whole (small) source, e.g. a notebook that must be parsed as one JSON text."""
    return b"".join(iter_chunks(source, name))


@contextmanager
def local_path(source: Source, name: str) -> Iterator[Path]:
    """A seekable local file holding ``source``: the path itself, or a temporary spool file."""
    if is_path(source):
        path = Path(source)  # type: ignore[arg-type]
        if not path.is_file():
            raise UnreadableFileError(
                f"cannot read {name}: {path} is not a regular file; check the path"
            )
        yield path
        return
    suffix = "".join(Path(name).suffixes[-2:])
    fd, tmp = tempfile.mkstemp(prefix="mlversion-diff-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter_chunks(source, name):
                out.write(chunk)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def identify(source: Source, name: str) -> dict[str, int | str]:
    """Size and BLAKE3 id of ``source``, streamed."""
    hasher, size = blake3.blake3(), 0
    for chunk in iter_chunks(source, name):
        hasher.update(chunk)
        size += len(chunk)
    return {"size": size, "id": hasher.hexdigest()}

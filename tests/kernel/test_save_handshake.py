"""The save-before-snapshot handshake against a real kernel, this test playing the frontend."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbformat.v4 import new_code_cell, new_notebook

import jupyter_mlversion
from jupyter_mlversion.core.repository import Repository


def _iopub_until_idle(kc, msg_id, on_message) -> list[str]:
    texts = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        on_message(msg)
        content = msg["content"]
        if msg["msg_type"] == "execute_result":
            texts.append(content["data"].get("text/plain", ""))
        elif msg["msg_type"] == "error":
            texts.append(f"{content['ename']}: {content['evalue']}")
        elif msg["msg_type"] == "status" and content["execution_state"] == "idle":
            return texts


@pytest.mark.timeout(120)
def test_frontend_saves_before_the_snapshot(tmp_path: Path) -> None:
    Repository.init(tmp_path)
    nb_path = tmp_path / "live.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1", id="only")]), nb_path)
    root = str(Path(jupyter_mlversion.__file__).resolve().parents[1])
    env = {**os.environ, "JPY_SESSION_NAME": str(nb_path), "PYTHONPATH": root}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        comm_ids = []
        msg_id = kc.execute("%load_ext jupyter_mlversion")
        _iopub_until_idle(
            kc,
            msg_id,
            lambda m: (
                m["msg_type"] == "comm_open"
                and m["content"]["target_name"] == "mlversion.save"
                and comm_ids.append(m["content"]["comm_id"])
            ),
        )
        assert comm_ids, "the kernel announces the handshake when the extension loads"
        ready = kc.session.msg("comm_msg", {"comm_id": comm_ids[0], "data": {"ready": True}})
        kc.shell_channel.send(ready)
        kc.execute_interactive("1", timeout=30)  # the kernel reads the reply while idle

        def frontend(msg) -> None:
            data = msg["content"].get("data", {})
            if msg["msg_type"] == "comm_msg" and data.get("action") == "save":
                # What JupyterLab does: write the document as the user sees it.
                edited = new_notebook(cells=[new_code_cell("x = 2  # unsaved edit", id="only")])
                nbformat.write(edited, nb_path)

        msg_id = kc.execute("%mlversion commit -m 'Snapshot with the edit saved first'")
        text = "\n".join(_iopub_until_idle(kc, msg_id, frontend))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "saved by JupyterLab just before the snapshot" in text
    repo = Repository.open(tmp_path)
    snap, files = repo.show("HEAD")
    (entry,) = [f for f in files if f.path == "live.ipynb"]
    stored = b"".join(repo.read_bytes(entry, snap.id))
    assert b"unsaved edit" in stored

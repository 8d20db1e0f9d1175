"""Server-side settings of the extension, configurable through traitlets.

Set them in ``jupyter_server_config.py`` (``c.MlversionServer.max_diff_bytes = ...``) or on the
command line (``--MlversionServer.max_workers=4``).
"""

from __future__ import annotations

from traitlets import Bool, Float, Int, List, Unicode
from traitlets.config import Configurable


class MlversionServer(Configurable):
    """What the REST API allows and where projects keep their data."""

    track_patterns = List(
        Unicode(),
        default_value=[],
        help=(
            "Extra glob patterns (pathlib syntax, ** for any depth, relative to the project "
            "root) added to the project's own [tracking] track_patterns (config.toml) for "
            "snapshots taken through the API, e.g. ['models/*.safetensors']."
        ),
    ).tag(config=True)

    include_notebook = Bool(
        True,
        help="Snapshots taken through the API include the notebook named by ?path= by default.",
    ).tag(config=True)

    max_request_bytes = Int(
        1 << 20,
        help="Largest JSON request body accepted, in bytes; larger bodies get 413.",
    ).tag(config=True)

    max_diff_bytes = Int(
        256 << 20,
        help=(
            "Largest file (either side) the API diffs in detail; larger files get a summary "
            "(sizes and ids) only."
        ),
    ).tag(config=True)

    max_page_size = Int(500, help="Largest page of snapshots one request may ask for.").tag(
        config=True
    )

    max_workers = Int(
        2, help="Threads running long operations (snapshot, restore, verify, gc)."
    ).tag(config=True)

    read_workers = Int(4, help="Threads answering quick read requests off the event loop.").tag(
        config=True
    )

    max_wait_seconds = Float(
        30.0, help="Longest a request may wait (?wait=) for a job to finish before 202."
    ).tag(config=True)

    store_path = Unicode(
        "",
        help=(
            "Folder holding the objects of every project served (e.g. a team volume on "
            "JupyterHub); empty keeps each project's own setting (.mlversion/config.toml "
            "[store] path, or the MLVERSION_STORE environment variable)."
        ),
    ).tag(config=True)

    change_poll_seconds = Float(
        1.0,
        help=(
            "How often the change log of each project opened in the panel is checked (one "
            "stat per project), so open editors follow restores made from any surface; "
            "0 turns the files-changed events off."
        ),
    ).tag(config=True)

    job_history = Int(200, help="Finished jobs kept in memory for GET jobs/{id}.").tag(config=True)

"""Rich diffs of notebooks, tables and models as plain JSON-able data.

Each diff kind has a JSON schema (``*_DIFF_SCHEMA``). Every function accepts, for each side, a
local path, a binary stream or an iterable of byte chunks (as the store streams files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..kinds import MODEL_SUFFIXES, NOTEBOOK_SUFFIX, classify
from ._source import Source, UnsupportedFormatError, identify
from .model import MODEL_DIFF_SCHEMA, diff_model_files
from .notebook import NOTEBOOK_DIFF_SCHEMA, diff_notebook_sources, diff_notebooks_fast
from .table import TABLE_DIFF_SCHEMA, UnknownKeyColumnError, diff_table_files
from .table_io import TABLE_FORMATS
from .values import VALUES_DIFF_SCHEMA, diff_values, value_deltas

__all__ = [
    "BINARY_DIFF_SCHEMA",
    "DIFF_SCHEMAS",
    "MODEL_DIFF_SCHEMA",
    "MODEL_EXTENSIONS",
    "NOTEBOOK_DIFF_SCHEMA",
    "TABLE_DIFF_SCHEMA",
    "VALUES_DIFF_SCHEMA",
    "Source",
    "UnknownKeyColumnError",
    "UnsupportedFormatError",
    "diff_files",
    "diff_model_files",
    "diff_notebook_sources",
    "diff_notebooks_fast",
    "diff_table_files",
    "diff_values",
    "value_deltas",
]

#: Extensions diffed as models when the caller does not say what the file is (the shared table:
#: ``.h5``/``.hdf5`` are datasets there, never models).
MODEL_EXTENSIONS = frozenset(MODEL_SUFFIXES)

BINARY_DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "file diff",
    "type": "object",
    "required": ["kind", "name", "old", "new", "same"],
    "properties": {
        "kind": {"const": "file"},
        "name": {"type": "string"},
        "old": {"type": "object", "required": ["size", "id"]},
        "new": {"type": "object", "required": ["size", "id"]},
        "same": {"type": "boolean"},
    },
}

#: The schema of each ``kind`` that ``diff_files`` returns.
DIFF_SCHEMAS: dict[str, dict[str, Any]] = {
    "notebook": NOTEBOOK_DIFF_SCHEMA,
    "table": TABLE_DIFF_SCHEMA,
    "model": MODEL_DIFF_SCHEMA,
    "file": BINARY_DIFF_SCHEMA,
}


def diff_files(
    kind_hint: str | None,
    old: Source,
    new: Source,
    name: str,
    *,
    include_outputs: bool = True,
    keys: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Diff two versions of ``name``, choosing notebook, table, model or plain file diff.

    Notebooks and table formats are recognised by extension first. Otherwise ``kind_hint`` (an
    artifact kind: ``notebook``, ``dataset``, ``model`` or ``file``, as the project's config gave
    it) decides, and without a hint the shared table of :mod:`jupyter_mlversion.core.kinds`
    does: a ``model`` is compared safely (headers, else size and id); a file the caller calls a
    ``dataset`` in a format that is not a table (``.h5``, ``.npy``, ...) is an error, since a
    table format cannot be guessed safely; anything else is compared by size and id.
    """
    suffix = Path(name).suffix.lower()
    if suffix == NOTEBOOK_SUFFIX or (kind_hint == "notebook" and suffix not in TABLE_FORMATS):
        return diff_notebook_sources(old, new, name=name, include_outputs=include_outputs)
    if suffix in TABLE_FORMATS:
        return diff_table_files(old, new, name=name, keys=keys)
    kind = kind_hint or classify(name)
    if kind == "model":
        return diff_model_files(old, new, name=name)
    if kind_hint == "dataset":
        known = ", ".join(sorted(TABLE_FORMATS))
        raise UnsupportedFormatError(
            f"cannot diff {name} as a table: unknown extension '{suffix}' (supported: {known}); "
            "rename it or track it as a plain file"
        )
    sides = [identify(old, f"{name} (old)"), identify(new, f"{name} (new)")]
    return {
        "kind": "file",
        "name": name,
        "old": sides[0],
        "new": sides[1],
        "same": sides[0]["id"] == sides[1]["id"],
    }

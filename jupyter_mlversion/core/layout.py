"""Names of a project's on-disk layout, defined once for every module and surface."""

from __future__ import annotations

#: The project's private folder, like ``.git/``; never tracked, never captured.
META_DIR = ".mlversion"
#: The bare git repository inside :data:`META_DIR` holding one commit per snapshot.
HISTORY_DIR = "history.git"
#: The branch snapshots are committed to.
MAIN_REF = "refs/heads/main"
#: Inside :data:`META_DIR`: the sorted list of explicitly tracked paths.
TRACKED_FILE = "tracked.json"
CONFIG_FILE = "config.toml"
INDEX_FILE = "index.sqlite"
OBJECTS_DIR = "objects"
JOURNAL_DIR = "journal"
#: Inside :data:`META_DIR`: one JSON line per batch of files a restore wrote (see core/changes.py).
CHANGES_FILE = "changes.jsonl"
LOCK_FILE = "lock"
#: In the project root: gitignore-style patterns of files never tracked.
IGNORE_FILE = ".mlversionignore"

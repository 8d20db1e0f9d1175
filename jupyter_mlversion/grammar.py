"""One grammar for ``mlversion`` and ``%mlversion``: every verb, its options, help and values.

Each surface supplies only its parser class (how a mistake is shown) and its extras (the command
line's ``-C DIR`` and ``--json``); the magic adds the notebook context when it runs a command.
This module imports no IPython, tornado or jupyter_server: the command line starts fast.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .core.model import STAGES

#: Hook a surface runs on every parser that can end a command line (the CLI adds ``--json``).
Leaf = Callable[[argparse.ArgumentParser], None]


# -- values ------------------------------------------------------------------
def _pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{option} wants KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def metric_value(text: str) -> tuple[str, float]:
    """``K=V`` with V a finite number; else a usage error naming the metric."""
    key, value = _pair(text, "--metric")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(
            f"metric '{key}' must be a number, got {value!r} (metrics are numbers; "
            "use --param for anything else)"
        )
    return key, number


def _no_constants(name: str) -> Any:
    # JSON's NaN and Infinity are not portable values: keep them as the text typed.
    raise ValueError(name)


def json_typed(text: str) -> Any:
    """``true`` -> True, ``3`` -> 3, ``0.1`` -> 0.1, ``[1,2]`` -> a list; anything else as typed."""
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError:
        return text


def param_value(text: str) -> tuple[str, Any]:
    """``K=V`` with V typed as JSON when it is JSON, else the string."""
    key, value = _pair(text, "--param")
    return key, json_typed(value)


def alias_value(text: str) -> tuple[str, str]:
    """``PATH:NAME`` as a pair (the last colon splits, so Windows drives survive)."""
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name:
        raise argparse.ArgumentTypeError(f"--alias wants PATH:NAME, got {text!r}")
    return path, name


def count_value(text: str) -> int:
    """A whole number >= 0."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return number


class _Pairs(argparse.Action):
    """Collects repeated ``K=V`` options into one dict; a repeated key keeps its last value."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        found = dict(getattr(namespace, self.dest) or {})
        key, value = values
        found[key] = value
        setattr(namespace, self.dest, found)


# -- verbs -------------------------------------------------------------------
def _init(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("path", nargs="?", help="folder (default: here; in a notebook, its folder)")


def _snapshot(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument(
        "paths", nargs="*", help="record just these files or folders (tracked from now on)"
    )
    p.add_argument("-m", "--message", default="")
    p.add_argument("--metric", action=_Pairs, type=metric_value, default={}, metavar="K=V",
                   help="a number, e.g. acc=0.91 (repeatable)")  # fmt: skip
    p.add_argument("--param", action=_Pairs, type=param_value, default={}, metavar="K=V",
                   help="typed as JSON: C=1.0, flag=true, layers=[64,32]; else text")  # fmt: skip
    p.add_argument("--tag", action="append", default=[], metavar="NAME")
    p.add_argument("--alias", action="append", type=alias_value, default=[],
                   metavar="PATH:NAME", help="point PATH@NAME at PATH's new version")  # fmt: skip
    p.add_argument(
        "--notebook", metavar="PATH", help="the notebook, and what its cells read and wrote"
    )


def _status(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("paths", nargs="*", help="as a snapshot of just these paths would")
    p.add_argument("--notebook", metavar="PATH", help="as a snapshot of this notebook would")


def _paths(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("paths", nargs="+")


def _nothing(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    pass


def _log(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("--path", help="only snapshots that changed PATH")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--branch", metavar="NAME", help="the snapshots of branch NAME")
    which.add_argument("--all", action="store_true", help="the snapshots of every branch")
    p.add_argument("-n", "--limit", type=count_value, default=None, help="at most N (default all)")
    p.add_argument("--offset", type=count_value, default=0, help="skip the newest N")


def _show(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("ref", nargs="?", default="HEAD")


def _diff(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("old", nargs="?", default="HEAD~1")
    p.add_argument("new", nargs="?", default="HEAD")
    p.add_argument("--file", metavar="PATH", help="one file in detail: notebook, table or model")
    p.add_argument("--key", dest="keys", action="append", default=[], metavar="COL",
                   help="with --file on a table: key column(s) matching rows")  # fmt: skip
    p.add_argument("--no-outputs", dest="outputs", action="store_false",
                   help="with --file on a notebook: leave outputs out")  # fmt: skip


def _restore(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("paths", nargs="*")
    p.add_argument("--to", default="HEAD", metavar="REF")
    p.add_argument("--cell", help="restore exactly the files this cell read (by cell id)")
    p.add_argument("--notebook", help="notebook of --cell, when several have that cell id")
    p.add_argument("--dry-run", action="store_true")


def _checkout(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("ref")
    p.add_argument("--dry-run", action="store_true")


def _inputs(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("cell", nargs="?", help="cell id (in a notebook, default: the current cell)")
    p.add_argument("--notebook")


def _tag(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("name", nargs="?")
    p.add_argument("ref", nargs="?", default="HEAD")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-d", "--delete", action="store_true")


def _versions(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("path")


def _alias(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("path", nargs="?")
    p.add_argument("name", nargs="?")
    p.add_argument("version", nargs="?", help="vN (default: the newest version)")
    p.add_argument("-m", "--message", default="")
    p.add_argument("-d", "--delete", action="store_true")
    p.add_argument("--history", action="store_true", help="every recorded move")
    p.add_argument("--follow", metavar="RULE",
                   help="'max METRIC' or 'min METRIC': move on every better snapshot")  # fmt: skip
    p.add_argument("--no-follow", action="store_true", help="stop following the metric")
    # Spellings the magic used before the grammar was shared.
    p.add_argument("--version", dest="version_option", help=argparse.SUPPRESS)
    p.add_argument("--remove", dest="delete", action="store_true", help=argparse.SUPPRESS)


def _lineage(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("path", help="a file (every version) or PATH@vN (that version)")
    p.add_argument("--depth", type=count_value, default=10, help="cell hops upstream (10)")
    p.add_argument("--max-nodes", type=count_value, default=500, help="graph size cap (500)")


def _reproduce(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("cell", help="cell id")
    p.add_argument("--at", default="HEAD", metavar="REF", help="the record to compare with")
    p.add_argument("--notebook", help="the cell's notebook (default: as recorded)")


def _registry(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.default = "list"
    r = actions.add_parser("register", help="link a model version to a registered model")
    r.add_argument("name")
    r.add_argument("ref", help="PATH@vN, PATH@alias or PATH (its newest version)")
    r.add_argument("--description", default="")
    promote = actions.add_parser("promote", help="move a model version to a stage")
    promote.add_argument("name")
    promote.add_argument("version", type=int)
    promote.add_argument("stage", choices=STAGES)
    promote.add_argument("--reason", default="")
    listed = actions.add_parser("list", help="registered models, versions and stages (default)")
    history = actions.add_parser("history", help="every registration and stage move")
    history.add_argument("name", nargs="?")
    for each in (r, promote, listed, history):
        if leaf is not None:
            leaf(each)


def _branch(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("name", nargs="?", help="create (or with -d/-D delete) this branch")
    p.add_argument("ref", nargs="?", default="HEAD", help="where it starts (default: HEAD)")
    p.add_argument("-d", "--delete", action="store_true", help="delete a merged branch")
    p.add_argument("-D", dest="force_delete", action="store_true",
                   help="delete even if its snapshots become unreachable")  # fmt: skip


def _switch(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("name", help="the branch to work on")
    p.add_argument("-c", "--create", action="store_true", help="create it at HEAD first")
    p.add_argument("--dry-run", action="store_true")


def _merge(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("branch", nargs="?", help="the branch to merge into the current one")
    p.add_argument("-m", "--message", default="")
    p.add_argument("--key", dest="keys", action="append", default=[], metavar="COL",
                   help="key column(s) matching table rows (default: a unique column)")  # fmt: skip
    p.add_argument("--metric", action=_Pairs, type=metric_value, default={}, metavar="K=V")
    p.add_argument("--param", action=_Pairs, type=param_value, default={}, metavar="K=V")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--abort", action="store_true", help="undo the merge in progress")
    which.add_argument("--continue", dest="cont", action="store_true",
                       help="snapshot the resolved merge")  # fmt: skip
    which.add_argument("--preview", action="store_true", help="say what a merge would do")


def _resolve(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("path", help="a conflicting path of the merge in progress")
    side = p.add_mutually_exclusive_group()
    side.add_argument("--ours", dest="side", action="store_const", const="ours")
    side.add_argument("--theirs", dest="side", action="store_const", const="theirs")


def _gc(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("--prune", action="store_true", help="really delete them")


def _remote(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.default = "list"
    add = actions.add_parser("add", help="add a remote: a bucket URL or a shared folder")
    add.add_argument("name", help="e.g. origin")
    add.add_argument("url", help="s3://BUCKET/PREFIX, gs://..., az://..., file:///PATH or a path")
    remove = actions.add_parser("remove", help="forget a remote (nothing on it is deleted)")
    remove.add_argument("name")
    listed = actions.add_parser("list", help="remotes with ahead/behind counts (default)")
    for each in (add, remove, listed):
        if leaf is not None:
            leaf(each)


def _clone(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("url", help="s3://BUCKET/PREFIX, gs://..., az://..., or a folder")
    p.add_argument("dir", nargs="?", help="new folder (default: the URL's last part)")
    p.add_argument("--no-data", dest="data", action="store_false",
                   help="history, names and notebooks only: data comes when restored")  # fmt: skip


def _push_pull(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("remote", nargs="?", help="default: origin, or the only remote")
    p.add_argument("branch", nargs="?", help="default: the current branch")


def _fetch(p: argparse.ArgumentParser, leaf: Leaf | None) -> None:
    p.add_argument("remote", nargs="?", help="default: origin, or the only remote")
    p.add_argument("--data", nargs="*", metavar="PATH", default=None,
                   help="also download the newest snapshot's data (or PATHS of it)")  # fmt: skip


@dataclass(frozen=True)
class Verb:
    """One command: its name, synonyms, help and the options it takes."""

    name: str
    help: str
    build: Callable[[argparse.ArgumentParser, Leaf | None], None]
    aliases: tuple[str, ...] = ()
    notebook_only: bool = False


_SNAPSHOT_HELP = (
    "record the tracked files and PATHS (in a notebook also the notebook and what its cells "
    "read and wrote) as a snapshot; 'commit' is a synonym"
)
VERBS: tuple[Verb, ...] = (
    Verb("init", "create a project (a .mlversion/ folder)", _init),
    Verb("snapshot", _SNAPSHOT_HELP, _snapshot, aliases=("commit",)),
    Verb("track", "track paths from the next snapshot on", _paths),
    Verb("untrack", "stop tracking paths", _paths),
    Verb("status", "what the next snapshot would record", _status),
    Verb("log", "list snapshots, newest first", _log),
    Verb("show", "a snapshot's details and files", _show),
    Verb("diff", "differences between two references (--file: one file in detail)", _diff),
    Verb("restore", "restore files (or a cell's inputs) to a reference", _restore),
    Verb("checkout", "make the tracked files match a snapshot", _checkout),
    Verb("inputs", "the files a cell read, across snapshots", _inputs),
    Verb("lineage", "which cells wrote each version of a file, from what, recursively", _lineage),
    Verb("reproduce", "compare a re-run cell's outputs, files and metrics with REF's", _reproduce),
    Verb("tag", "list tags, or tag a snapshot", _tag),
    Verb("versions", "v0..vN of a path", _versions),
    Verb("alias", "list, move or delete aliases of a path's versions", _alias),
    Verb("registry", "the model registry", _registry),
    Verb("branch", "list branches, create one (NAME [REF]) or delete one (-d/-D NAME)", _branch),
    Verb("switch", "move the working tree to a branch (-c: create it first)", _switch),
    Verb("merge", "merge a branch into the current one (--abort, --continue, --preview)", _merge),
    Verb("resolve", "settle a merge conflict (--ours, --theirs, or the file as edited)", _resolve),
    Verb("remote", "add, list or remove remotes (buckets or shared folders)", _remote),
    Verb("clone", "a new project from a remote: history, names, notebooks", _clone),
    Verb("push", "upload the snapshots, tags and registry a remote lacks", _push_pull),
    Verb("fetch", "download a remote's history and names (--data: its data too)", _fetch),
    Verb("pull", "fetch, then bring the current branch up to the remote's", _push_pull),
    Verb("verify", "rehash every object; report corrupt or missing ones", _nothing),
    Verb("gc", "remove objects no snapshot needs (a dry run unless --prune)", _gc),
    Verb("widget", "open the history browser (in a notebook only)", _nothing, notebook_only=True),
)

#: Every word that names a verb, synonyms included, to the verb's name.
VERB_NAMES: dict[str, str] = {
    word: verb.name for verb in VERBS for word in (verb.name, *verb.aliases)
}


def add_verbs(
    parser: argparse.ArgumentParser,
    *,
    only: str | None = None,
    leaf: Leaf | None = None,
    notebook: bool = False,
    required: bool = True,
) -> None:
    """Add every verb's sub-parser to ``parser`` (of its class); with ``only``, just that verb's.

    Building every sub-parser costs about 10 ms, a tenth of a "nothing changed" snapshot, so a
    command line builds only the one it uses. ``notebook`` adds the verbs only a kernel can run.
    """
    action = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=type(parser))
    action.required = required
    for verb in VERBS:
        if verb.notebook_only and not notebook:
            continue
        if only is not None and VERB_NAMES.get(only) != verb.name:
            continue
        p = action.add_parser(verb.name, aliases=list(verb.aliases), help=verb.help,
                              description=verb.help)  # fmt: skip
        # A synonym parses to the verb's own name, so each surface routes one name.
        p.set_defaults(command=verb.name)
        verb.build(p, leaf)
        if leaf is not None:
            leaf(p)


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv`` and fold old spellings into current ones (``alias --version vN``)."""
    args = parser.parse_args(argv)
    option = getattr(args, "version_option", None)
    if option is not None:
        if args.version is not None and args.version != option:
            parser.error(f"alias: two versions given ({args.version!r} and {option!r}); give one")
        args.version = option
    return args

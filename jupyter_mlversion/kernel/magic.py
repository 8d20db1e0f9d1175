"""The ``%mlversion`` line magic: parse, route to one small function, render."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from ..core.errors import MlversionError
from ..core.repository import Repository
from . import branching, remotes, views
from .parser import HelpShown, parse
from .render import Report
from .session import KernelSession


@magics_class
class MlversionMagics(Magics):
    """``%mlversion SUBCOMMAND ...``: the command line, inside the notebook."""

    def __init__(self, shell: Any, session: KernelSession) -> None:
        super().__init__(shell)
        self.session = session
        self.routes: dict[str, Callable[[argparse.Namespace], Report | None]] = {
            "init": self._init,
            "snapshot": self._commit,  # also reached as 'commit': the grammar's synonym
            "status": self._status,
            "log": lambda a: views.log(
                self._repo().log(
                    path=a.path, limit=a.limit, offset=a.offset, branch="*" if a.all else a.branch
                )
            ),
            "show": lambda a: views.show(*self._repo().show(a.ref)),
            "diff": self._diff,
            "restore": self._restore,
            "checkout": lambda a: views.restore(
                self._repo().checkout(a.ref, dry_run=a.dry_run), "tracked files"
            ),
            "verify": lambda a: views.verify(self._repo().verify()),
            "gc": lambda a: views.gc(self._repo().gc(dry_run=not a.prune)),
            "tag": self._tag,
            "versions": lambda a: views.versions(a.path, self._repo().versions(a.path)),
            "alias": self._alias,
            "registry": self._registry,
            "inputs": self._inputs,
            "lineage": self._lineage,
            "reproduce": self._reproduce,
            "track": self._track,
            "untrack": self._untrack,
            "widget": self._widget,
            **branching.routes(self._repo),
            "remote": lambda a: remotes.remote(self._repo(), a),
            "clone": remotes.clone,
            "push": lambda a: remotes.push(self._repo(), a),
            "fetch": lambda a: remotes.fetch(self._repo(), a),
            "pull": lambda a: remotes.pull(self._repo(), a),
        }

    @line_magic
    def mlversion(self, line: str) -> Report | None:
        """Version data, models and notebooks: ``%mlversion -h`` lists the subcommands."""
        try:
            args = parse(line)
        except HelpShown as shown:
            print(shown.text)
            return None
        try:
            with self.session.paused():
                return self.routes[args.command](args)
        except MlversionError as err:
            # The engine's messages already name the path and the next step: no traceback.
            raise UsageError(str(err)) from None

    def _repo(self) -> Repository:
        return self.session.require_repo()

    # -- subcommands -------------------------------------------------------
    def _init(self, args: argparse.Namespace) -> Report:
        notebook = self.session.notebook_path()
        folder = args.path or (os.path.dirname(notebook) if notebook else os.getcwd())
        repo = Repository.init(folder)
        self.session.attach()
        return Report(f"Created a project in {repo.root}; cells are now captured.")

    def _commit(self, args: argparse.Namespace) -> Report:
        with self.session.using_notebook(args.notebook):
            outcome = self.session.commit(
                args.message,
                metrics=args.metric,
                params=args.param,
                tags=args.tag,
                aliases=args.alias,
                paths=args.paths,
            )
        return views.commit(outcome)

    def _diff(self, args: argparse.Namespace) -> Report:
        repo = self._repo()
        if args.file:
            found = repo.diff_file(
                args.file, args.old, args.new, outputs=args.outputs, keys=args.keys
            )
            return views.file_diff(found)
        if args.keys:
            raise UsageError("--key chooses a table's key columns: give it with --file PATH")
        return views.diff(repo.diff(args.old, args.new))

    def _status(self, args: argparse.Namespace) -> Report:
        with self.session.using_notebook(args.notebook):
            return views.status(self.session.status(args.paths))

    def _restore(self, args: argparse.Namespace) -> Report:
        repo = self._repo()
        if args.cell:
            if args.paths:
                raise UsageError("--cell restores that cell's inputs: give either --cell or paths")
            notebook = args.notebook or self.session.notebook_rel()
            result = repo.restore_cell_inputs(
                args.cell, to=args.to, notebook=notebook, dry_run=args.dry_run
            )
            return views.restore(result, f"files read by cell {args.cell}")
        result = repo.restore(args.paths, to=args.to, dry_run=args.dry_run)
        return views.restore(result, "files")

    def _tag(self, args: argparse.Namespace) -> Report:
        repo = self._repo()
        if args.delete:
            if not args.name:
                raise UsageError("which tag? '%mlversion tag --delete NAME'")
            repo.delete_tag(args.name)
            return Report(f"Deleted tag {args.name}")
        if args.name:
            sha = repo.tag(args.name, args.ref, message=args.message)
            return Report(f"Tagged {sha[:10]} as {args.name}")
        tags = repo.tags()
        return views.simple(
            "Tags", ["tag", "snapshot"], [[k, v[:10]] for k, v in sorted(tags.items())], tags
        )

    def _alias(self, args: argparse.Namespace) -> Report:
        repo = self._repo()
        if args.history:
            events = repo.alias_history(args.path)
            rows = [
                [
                    e.path,
                    e.alias,
                    views._version(e.old_version),
                    views._version(e.new_version),
                    e.author,
                    e.time,
                    e.message,
                ]
                for e in events
            ]
            return views.simple(
                "Alias moves",
                ["path", "alias", "from", "to", "author", "time", "message"],
                rows,
                events,
            )
        if args.path and args.name:
            if args.delete:
                repo.remove_alias(args.path, args.name)
                return Report(f"Removed {args.path}@{args.name}")
            if args.no_follow:
                repo.unfollow_alias(args.path, args.name)
                return Report(f"{args.path}@{args.name} follows no metric any more")
            if args.follow:
                found = repo.follow_alias(
                    args.path, args.name, args.follow, args.version, message=args.message
                )
                return Report(f"{found.path}@{args.name} -> {found.label}, follows {args.follow}")
            found = repo.set_alias(args.path, args.name, args.version, message=args.message)
            return Report(f"{found.path}@{args.name} -> {found.label}")
        if args.delete:
            raise UsageError("which alias? '%mlversion alias PATH NAME --delete'")
        aliases = repo.aliases(args.path)
        rows = [
            [p, name, f"v{v}"]
            for p, names in sorted(aliases.items())
            for name, v in sorted(names.items())
        ]
        return views.simple("Aliases", ["path", "alias", "version"], rows, aliases)

    def _registry(self, args: argparse.Namespace) -> Report:
        repo = self._repo()
        if args.action == "register":
            mv = repo.register_model(args.name, args.ref, description=args.description)
            return Report(
                f"Registered {mv.model} version {mv.number}: {mv.path}@v{mv.artifact_version}"
            )
        if args.action == "promote":
            mv = repo.promote_model(args.name, args.version, args.stage, reason=args.reason)
            return Report(f"{mv.model} version {mv.number} is now in {mv.stage}")
        if args.action == "history":
            events = repo.registry_history(args.name)
            rows = [
                [e.kind, json.dumps(e.detail, sort_keys=True), e.author, e.time, e.message]
                for e in events
            ]
            return views.simple(
                "Registry history", ["change", "detail", "author", "time", "message"], rows, events
            )
        models = repo.registered_models()
        model_rows: list[list[Any]] = [
            [m.name, v.number, f"{v.path}@v{v.artifact_version}", v.stage, v.snapshot[:10]]
            for m in models
            for v in m.versions
        ]
        return views.simple(
            "Registered models",
            ["model", "version", "artifact", "stage", "snapshot"],
            model_rows,
            models,
        )

    def _inputs(self, args: argparse.Namespace) -> Report:
        cell = args.cell or self.session.current_cell_id
        if not cell:
            raise UsageError(
                "this frontend sends no cell id; name the cell: '%mlversion inputs CELL_ID'"
            )
        notebook = args.notebook or self.session.notebook_rel()
        return views.inputs(cell, self._repo().cell_inputs(cell, notebook=notebook))

    def _lineage(self, args: argparse.Namespace) -> Report:
        from ..core.lineage_text import lineage_lines

        graph = self._repo().lineage(args.path, depth=args.depth, max_nodes=args.max_nodes)
        report = Report(f"Lineage of {graph.path}")
        for text in lineage_lines(graph.to_dict()):
            report.line(text)
        report.data = graph
        return report

    def _reproduce(self, args: argparse.Namespace) -> Report:
        """Save the notebook through the frontend, then compare the cell's re-run with REF."""
        from ..core.lineage_text import reproduce_lines

        notebook = args.notebook or self.session.notebook_rel()
        self.session.save_notebook()
        found = self._repo().reproduce(args.cell, at=args.at, notebook=notebook)
        lines = reproduce_lines(found.to_dict())
        report = Report(lines[0])
        for text in lines[1:]:
            report.line(text)
        report.data = found
        return report

    def _track(self, args: argparse.Namespace) -> Report:
        added = self._repo().track(args.paths)
        return Report("Tracking " + (", ".join(added) or "nothing new"))

    def _untrack(self, args: argparse.Namespace) -> Report:
        removed = self._repo().untrack(args.paths)
        return Report("No longer tracking " + (", ".join(removed) or "anything you named"))

    def _widget(self, args: argparse.Namespace) -> None:
        from .widget import browse

        browse(self.session)

"""An ipywidgets history browser for frontends without the JupyterLab sidebar."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.errors import MlversionError
from . import views
from .session import KernelSession

PAGE = 200


class HistoryBrowser:
    """History list, snapshot details, tags and aliases, restore with confirmation."""

    def __init__(self, session: KernelSession) -> None:
        self.session = session
        self.repo = session.require_repo()
        self.history = w.Select(options=[], rows=12, layout=w.Layout(width="45%"))
        self.details = w.HTML()
        self.names = w.HTML()
        self.message = w.HTML()
        self.dry_run = w.Checkbox(value=True, description="dry run")
        self.restore_button = w.Button(description="Restore…", button_style="warning")
        self.confirm = w.Button(description="Confirm restore", button_style="danger")
        self.cancel = w.Button(description="Cancel")
        self.confirm_box = w.HBox([self.confirm, self.cancel], layout=w.Layout(display="none"))
        self.refresh_button = w.Button(description="Refresh")
        self.history.observe(self._on_select, names="value")
        self.restore_button.on_click(self._ask)
        self.confirm.on_click(self._restore)
        self.cancel.on_click(lambda _: self._hide_confirm())
        self.refresh_button.on_click(lambda _: self.refresh())
        right = w.VBox(
            [
                self.details,
                self.dry_run,
                w.HBox([self.restore_button]),
                self.confirm_box,
                self.message,
            ],
            layout=w.Layout(width="55%"),
        )
        tabs = w.Tab(children=[w.HBox([self.history, right]), self.names])
        tabs.set_title(0, "History")
        tabs.set_title(1, "Tags and aliases")
        self.root = w.VBox([self.refresh_button, tabs])
        self.refresh()

    def refresh(self) -> None:
        """Reload history, tags and aliases from the project."""
        snapshots = self.repo.log(limit=PAGE)
        self.history.options = [
            (f"{s.short_id}  {s.time[:19]}  {s.message[:50]}", s.id) for s in snapshots
        ]
        tags = sorted(self.repo.tags().items())
        aliases = self.repo.aliases()
        tag_rows = [[name, sha[:10]] for name, sha in tags]
        alias_rows = [
            [p, n, f"v{v}"]
            for p, names in sorted(aliases.items())
            for n, v in sorted(names.items())
        ]
        self.names.value = (
            views.simple("Tags", ["tag", "snapshot"], tag_rows, None)._repr_html_()
            + views.simple("Aliases", ["path", "alias", "version"], alias_rows, None)._repr_html_()
        )
        if snapshots and self.history.value is None:
            self.history.value = snapshots[0].id

    def _on_select(self, change: dict[str, Any]) -> None:
        if change.get("new"):
            self.details.value = views.show(*self.repo.show(change["new"]))._repr_html_()
            self._hide_confirm()

    def _ask(self, _: Any) -> None:
        if not self.history.value:
            self.message.value = "Select a snapshot first."
            return
        plan = self.repo.restore(to=self.history.value, dry_run=True)
        self.message.value = views.restore(plan, "files")._repr_html_()
        if self.dry_run.value:
            return
        self.confirm_box.layout.display = "flex"

    def _restore(self, _: Any) -> None:
        self._hide_confirm()
        try:
            with self.session.paused():
                result = self.repo.restore(to=self.history.value, dry_run=False)
        except MlversionError as err:
            self.message.value = f"<span style='color:#b91c1c'>{err}</span>"
            return
        self.message.value = views.restore(result, "files")._repr_html_()
        self.refresh()

    def _hide_confirm(self) -> None:
        self.confirm_box.layout.display = "none"


def browse(session: KernelSession) -> HistoryBrowser:
    """Build the browser and display it."""
    from IPython.display import display

    browser = HistoryBrowser(session)
    display(browser.root)
    return browser

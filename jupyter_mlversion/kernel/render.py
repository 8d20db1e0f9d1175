"""Results as readable tables in the notebook and as plain text everywhere else."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Row = Sequence[Any]


@dataclass
class Table:
    headers: Sequence[str]
    rows: list[Row]
    empty: str = "(none)"


@dataclass
class Report:
    """What a subcommand shows: a title, lines, tables, warnings; plus the raw data."""

    title: str
    parts: list[tuple[str, Any]] = field(default_factory=list)  # ("line"|"warning"|"table", x)
    data: Any = None  # the engine result, for code that wants it

    def line(self, text: str) -> Report:
        self.parts.append(("line", text))
        return self

    def warning(self, text: str) -> Report:
        self.parts.append(("warning", text))
        return self

    def table(self, headers: Sequence[str], rows: Sequence[Row], empty: str = "(none)") -> Report:
        self.parts.append(("table", Table(headers, list(rows), empty)))
        return self

    # -- plain text ------------------------------------------------------
    def to_text(self) -> str:
        out = [self.title]
        for kind, value in self.parts:
            if kind == "table":
                out.append(_text_table(value))
            elif kind == "warning":
                out.append(f"warning: {value}")
            else:
                out.append(str(value))
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.to_text())

    # -- notebook --------------------------------------------------------
    def _repr_html_(self) -> str:
        out = [f"<div class='mlversion-report'><strong>{html.escape(self.title)}</strong>"]
        for kind, value in self.parts:
            if kind == "table":
                out.append(_html_table(value))
            elif kind == "warning":
                out.append(
                    "<div style='color:#b45309'>&#9888; " + html.escape(str(value)) + "</div>"
                )
            else:
                out.append(f"<div>{html.escape(str(value))}</div>")
        out.append("</div>")
        return "".join(out)


def cell(value: Any) -> str:
    """One table cell as text: short, no None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return str(value)


def _text_table(table: Table) -> str:
    if not table.rows:
        return f"  {table.empty}"
    rows = [[cell(v) for v in row] for row in table.rows]
    widths = [len(h) for h in table.headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(table.headers, widths, strict=True))]
    lines.append("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _html_table(table: Table) -> str:
    if not table.rows:
        return f"<div><em>{html.escape(table.empty)}</em></div>"
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:left'>{html.escape(cell(v))}</td>" for v in row)
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

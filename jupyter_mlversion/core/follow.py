"""Aliases that follow a metric: ``best --follow "max accuracy"`` moves on every better value.

A rule lives in the registry state beside the aliases (``follows: {path: {alias: rule}}``,
rule ``{"mode", "metric", "value", "version"}``, value being the holder's). The functions
here change that state; :class:`~.registry.Registry` commits what they return, so a move is
decided on the newest state inside the registry's compare-and-swap loop and recorded as any
other alias move, with the comparison as its message (``accuracy 0.93 > 0.91``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from .errors import RegistryError

Mode = Literal["max", "min"]


@dataclass(frozen=True)
class FollowRule:
    """``max accuracy``: the alias goes to each version whose metric is higher (``min``: lower)."""

    mode: Mode
    metric: str

    @property
    def text(self) -> str:
        return f"{self.mode} {self.metric}"

    def beats(self, new: float, old: float | None) -> bool:
        """True when ``new`` is strictly better than the holder's ``old`` (None: no value)."""
        if old is None:
            return True
        return new > old if self.mode == "max" else new < old

    def reason(self, new: float, old: float | None) -> str:
        """The move's message: ``accuracy 0.93 > 0.91``."""
        if old is None:
            return f"{self.metric} {_num(new)} (the holder has no {self.metric} recorded)"
        sign = ">" if self.mode == "max" else "<"
        return f"{self.metric} {_num(new)} {sign} {_num(old)}"


def parse_rule(text: str) -> FollowRule:
    """``"max accuracy"`` / ``"min loss"`` -> FollowRule; RegistryError naming the shape."""
    mode, _, metric = text.strip().partition(" ")
    metric = metric.strip()
    if mode not in ("max", "min") or not metric or len(metric) > 200:
        raise RegistryError(
            f"--follow wants 'max METRIC' or 'min METRIC' (e.g. 'max accuracy'), got {text!r}"
        )
    return FollowRule("max" if mode == "max" else "min", metric)


def _num(value: float) -> str:
    return f"{value:.6g}"


def rule_of(data: dict[str, Any]) -> FollowRule:
    return FollowRule("max" if data.get("mode") == "max" else "min", str(data["metric"]))


def set_rule(
    state: dict[str, Any], path: str, alias: str, rule: FollowRule | None, value: float | None
) -> dict[str, Any] | None:
    """Start (``rule``) or stop (None) following; the event to record, None if nothing changed."""
    follows: dict[str, Any] = state.setdefault("follows", {})
    on_path: dict[str, Any] = follows.setdefault(path, {})
    old = on_path.get(alias)
    if rule is None:
        if old is None:
            if not on_path:
                del follows[path]
            raise RegistryError(f"{path}@{alias} follows no metric; nothing to stop")
        del on_path[alias]
        if not on_path:
            del follows[path]
        return {"kind": "follow", "detail": {"path": path, "alias": alias, "rule": None}}
    version = state.get("aliases", {}).get(path, {}).get(alias)
    new = {"mode": rule.mode, "metric": rule.metric, "value": value, "version": version}
    if old == new:
        return None
    on_path[alias] = new
    detail = {"path": path, "alias": alias, "rule": rule.text, "value": value}
    return {"kind": "follow", "detail": detail}


def offer(
    state: dict[str, Any], path: str, alias: str, version: int, value: float
) -> tuple[dict[str, Any], str] | None:
    """Move ``path@alias`` to ``version`` if ``value`` beats the holder's; (detail, reason).

    None when the alias follows no metric any more, already holds ``version``, or the
    value is not better. The rule keeps the new holder's value.
    """
    data = state.get("follows", {}).get(path, {}).get(alias)
    if data is None or not math.isfinite(value):
        return None
    rule = rule_of(data)
    aliases: dict[str, int] = state.setdefault("aliases", {}).setdefault(path, {})
    old_version = aliases.get(alias)
    holder = data.get("value")
    if old_version == version or not rule.beats(value, holder):
        return None
    aliases[alias] = version
    data["value"], data["version"] = value, version
    detail = {"path": path, "alias": alias, "old_version": old_version, "new_version": version}
    return detail, rule.reason(value, holder)


def follows_of(state: dict[str, Any], path: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """``{path: {alias: {"rule", "mode", "metric", "value"}}}``, for one path or all."""
    table: dict[str, dict[str, Any]] = state.get("follows", {})
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for p, rules in sorted(table.items()):
        if path is not None and p != path:
            continue
        out[p] = {
            alias: {
                "rule": rule_of(data).text,
                "mode": data.get("mode"),
                "metric": data.get("metric"),
                "value": data.get("value"),
            }
            for alias, data in sorted(rules.items())
        }
    return {p: r for p, r in out.items() if r}

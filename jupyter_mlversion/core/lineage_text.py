"""Plain-text renderings of a lineage graph and a reproduce report (CLI and magic alike)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def lineage_lines(graph: Mapping[str, Any]) -> list[str]:
    """Each root version, then upstream: the cell runs that wrote it and what they read."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    writers: dict[str, list[str]] = {}
    reads: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        if edge["kind"] == "wrote":
            writers.setdefault(edge["target"], []).append(edge["source"])
        elif edge["kind"] == "read":
            reads.setdefault(edge["target"], []).append(edge["source"])
    lines: list[str] = []
    seen: set[str] = set()

    def version(key: str, indent: int) -> None:
        node = nodes[key]
        snap = f" (first in {node['snapshot'][:10]})" if node.get("snapshot") else ""
        lines.append("  " * indent + node["label"] + snap)
        if key in seen:
            if writers.get(key):
                lines.append("  " * (indent + 1) + "... (shown above)")
            return
        seen.add(key)
        for cell_key in writers.get(key, []):
            cell = nodes[cell_key]
            where = f" in {cell['notebook']}" if cell.get("notebook") else ""
            lines.append(
                "  " * (indent + 1)
                + f"<- cell {cell['label']}{where}, snapshot {cell['snapshot'][:10]}"
            )
            for source in reads.get(cell_key, []):
                if nodes[source]["kind"] == "file":
                    lines.append("  " * (indent + 2) + f"{source[5:]} (changed after it was read)")
                else:
                    version(source, indent + 2)

    for root in graph["roots"]:
        version(root, 0)
    if not graph["roots"]:
        lines.append(f"No version of {graph['path']} is recorded.")
    if graph["truncated"]:
        lines.append(
            f"(cut at depth {graph['depth']} / {graph['max_nodes']} nodes: "
            "--depth and --max-nodes show more)"
        )
    return lines


def reproduce_lines(report: Mapping[str, Any]) -> list[str]:
    """``reproduced`` or what differs: outputs, written files, metrics."""
    head = f"cell {report['cell_id']} against snapshot {report['recorded_in'][:10]}"
    if report["reproduced"]:
        lines = [f"reproduced: {head}: same outputs, files and metrics"]
    else:
        lines = [f"differs: {head}"]
    outputs = report["outputs"]
    if not outputs.get("same"):
        lines.append("  outputs differ" + (f" ({outputs['note']})" if outputs.get("note") else ""))
    for item in report["files"]:
        if item["status"] != "same":
            lines.append(f"  file {item['path']}: {item['status']}")
    for metric in report["metrics"]:
        if metric["same"] is False:
            lines.append(f"  metric {metric['name']}: {metric['recorded']} -> {metric['now']}")
    lines.extend(f"  note: {note}" for note in report.get("notes", ()))
    return lines

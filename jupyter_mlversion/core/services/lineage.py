"""Lineage of a file as a graph: which cell runs wrote each version, and what they read then.

The per-snapshot lineage (cell -> read -> version, cell -> wrote -> version) is recorded by
every snapshot and kept in the index. This walks it upstream from the versions of one path:
a version's writers are the recorded cell runs that wrote that exact content (in any
snapshot), and each writer's reads are the versions it read in the snapshot that recorded
it, whose writers are looked up in turn (data -> features -> model). The walk is breadth
first, bounded by ``depth`` (cell hops) and ``max_nodes``; each version and each cell run is
visited once, so a cycle (a cell that rewrites what it read) ends the walk there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import MlversionError
from ..model import ArtifactVersion
from ..refs import split_artifact_ref

if TYPE_CHECKING:
    from ..parts import Parts
    from .read import Reader

DEFAULT_DEPTH = 10
MAX_DEPTH = 50
DEFAULT_NODES = 500
MAX_NODES = 5000


@dataclass
class LineageGraph:
    """Nodes (files, versions, cell runs) and edges (``read``, ``wrote``, ``version``)."""

    path: str
    depth: int
    max_nodes: int
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # the versions of ``path`` the walk began at
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "depth": self.depth,
            "max_nodes": self.max_nodes,
            "roots": list(self.roots),
            "truncated": self.truncated,
            "nodes": list(self.nodes.values()),
            "edges": list(self.edges),
        }


class _Walk:
    """One bounded upstream walk; adds nodes until the budget is spent."""

    def __init__(self, parts: Parts, versions: Callable[[str], list[ArtifactVersion]]) -> None:
        self.index = parts.index
        self._versions = versions
        self._cache: dict[str, list[ArtifactVersion]] = {}
        self._by_id: dict[str, dict[str, ArtifactVersion]] = {}
        self._edges: set[tuple[str, str, str]] = set()

    def versions(self, path: str) -> list[ArtifactVersion]:
        if path not in self._cache:
            self._cache[path] = self._versions(path)  # []: read but never snapshotted
        return self._cache[path]

    def run(self, graph: LineageGraph, start: list[ArtifactVersion]) -> None:
        queue: deque[tuple[str, str, int]] = deque()
        for version in start:
            if self._add_version(graph, version.path, version.id, 0):
                graph.roots.append(_version_key(version.path, version.id))
                queue.append((version.path, version.id, 0))
        queued = {(p, i) for p, i, _ in queue}
        runs: set[tuple[int, str, Any]] = set()
        while queue:
            path, oid, hops = queue.popleft()
            writers = self.index.lineage_writers(path, oid)
            if writers and hops >= graph.depth:
                graph.truncated = True
                continue
            for seq, snapshot, when, cell_id, notebook, count in writers:
                if (seq, cell_id, notebook) in runs:
                    continue
                if not self._room(graph, 1):
                    return
                runs.add((seq, cell_id, notebook))
                cell = _cell_key(notebook, cell_id, snapshot)
                graph.nodes[cell] = {
                    "id": cell,
                    "kind": "cell",
                    "label": f"{cell_id} [{count if count is not None else ' '}]",
                    "cell_id": cell_id,
                    "notebook": notebook,
                    "execution_count": count,
                    "snapshot": snapshot,
                    "time": when,
                    "hops": hops + 1,
                }
                for role, other, other_id in self.index.lineage_run(seq, cell_id, notebook):
                    target = self._link(graph, cell, role, other, other_id, hops + 1)
                    if target is None:
                        return
                    if role == "reads" and other_id and (other, other_id) not in queued:
                        queued.add((other, other_id))
                        queue.append((other, other_id, hops + 1))

    def _room(self, graph: LineageGraph, count: int) -> bool:
        if len(graph.nodes) + count > graph.max_nodes:
            graph.truncated = True
            return False
        return True

    def _link(
        self, graph: LineageGraph, cell: str, role: str, path: str, oid: str | None, hops: int
    ) -> str | None:
        """Add the version (or, unknown, the file) a cell read or wrote and the edge to it."""
        node = self._add_version(graph, path, oid, hops) if oid else self._add_file(graph, path)
        if node is None:
            return None
        edge = (node, cell, "read") if role == "reads" else (cell, node, "wrote")
        if edge not in self._edges:
            self._edges.add(edge)
            item: dict[str, Any] = {"source": edge[0], "target": edge[1], "kind": edge[2]}
            if not oid:
                item["changed_since"] = True  # the file changed after the cell touched it
            graph.edges.append(item)
        return node

    def _add_file(self, graph: LineageGraph, path: str) -> str | None:
        key = f"file:{path}"
        if key not in graph.nodes:
            if not self._room(graph, 1):
                return None
            count = len(self.versions(path))
            graph.nodes[key] = {
                "id": key, "kind": "file", "label": path, "path": path, "versions": count,
            }  # fmt: skip
        return key

    def _add_version(self, graph: LineageGraph, path: str, oid: str, hops: int) -> str | None:
        key = _version_key(path, oid)
        if key in graph.nodes:
            return key
        file_key = self._add_file(graph, path)
        if file_key is None or not self._room(graph, 1):
            return None
        if path not in self._by_id:
            self._by_id[path] = {v.id: v for v in self.versions(path)}
        found = self._by_id[path].get(oid)
        number = found.version if found else None
        graph.nodes[key] = {
            "id": key,
            "kind": "version",
            "label": f"{path}@v{number}" if number is not None else f"{path}@{oid[:8]}",
            "path": path,
            "version": number,
            "file_id": oid,
            "snapshot": found.snapshot if found else None,
            "time": found.time if found else None,
            "aliases": list(found.aliases) if found else [],
            "hops": hops,
        }
        self._edges.add((file_key, key, "version"))
        graph.edges.append({"source": file_key, "target": key, "kind": "version"})
        return key


def _version_key(path: str, oid: str) -> str:
    return f"version:{path}@{oid}"


def _cell_key(notebook: str | None, cell_id: str, snapshot: str) -> str:
    return f"cell:{notebook or ''}:{cell_id}@{snapshot}"


class Lineage:
    """The lineage query; versions and references come from ``reader``."""

    def __init__(self, parts: Parts, reader: Reader) -> None:
        self._parts = parts
        self._reader = reader

    def graph(
        self, path: str, *, depth: int = DEFAULT_DEPTH, max_nodes: int = DEFAULT_NODES
    ) -> LineageGraph:
        """The upstream lineage of every version of ``path`` (or of ``PATH@vN`` alone)."""
        if not 0 <= depth <= MAX_DEPTH:
            raise MlversionError(f"lineage depth must be in 0..{MAX_DEPTH}, not {depth}")
        if not 1 <= max_nodes <= MAX_NODES:
            raise MlversionError(f"lineage max_nodes must be in 1..{MAX_NODES}, not {max_nodes}")
        table = self._parts.registry.aliases()  # one read of the registry for every path
        parsed = split_artifact_ref(path)
        if parsed is not None:
            start = [self._reader.resolve_artifact(path)]
            rel = start[0].path
        else:
            rel = self._parts.relpath(path)
            # Synchronises the index; ReferenceNotFoundError when never snapshotted.
            start = self._reader.versions(rel, aliases=table)
        graph = LineageGraph(rel, depth, max_nodes)

        def versions(p: str) -> list[ArtifactVersion]:
            # The walk's paths come from the index (already relative, already synchronised).
            return self._reader.indexed_versions(p, table) or []

        # Newest versions first: when the budget runs out, the recent past is what is kept.
        _Walk(self._parts, versions).run(graph, list(reversed(start)))
        return graph

/**
 * A layered left-to-right layout of a lineage graph: data on the left, the file asked
 * about on the right. Pure (no DOM), so it is tested on its own and costs little at 200
 * nodes: one pass to place columns, one barycentre pass to order each column.
 */
import type { ILineageEdge, ILineageGraph, ILineageNode } from './types';

export const NODE_WIDTH = 170;
export const NODE_HEIGHT = 30;
export const COLUMN_GAP = 70;
export const ROW_GAP = 12;

/** A placed node: top-left corner in SVG units. */
export interface IPlaced {
  node: ILineageNode;
  column: number;
  x: number;
  y: number;
}

/** Node positions, the canvas size, and each node's edges (for highlighting). */
export interface ILayout {
  placed: Map<string, IPlaced>;
  width: number;
  height: number;
  edges: ILineageEdge[];
  neighbours: Map<string, number[]>;
}

/**
 * The column of a node counted from the right: a version `hops` cell runs upstream sits in
 * column 2*hops; the cell that wrote it one column to its left. Files stand just left of
 * their nearest version.
 */
function rightColumn(node: ILineageNode, nearest: Map<string, number>): number {
  const hops = node.hops ?? 0;
  if (node.kind === 'version') {
    return 2 * hops;
  }
  if (node.kind === 'cell') {
    return 2 * hops - 1;
  }
  return nearest.get(node.id) ?? 0;
}

/** Lay the graph out; equal input gives equal output. */
export function layoutGraph(graph: ILineageGraph): ILayout {
  const byId = new Map(graph.nodes.map(n => [n.id, n]));
  // A file sits in the column of its nearest version (the versions stack below it).
  const nearest = new Map<string, number>();
  for (const edge of graph.edges) {
    if (edge.kind === 'version') {
      const version = byId.get(edge.target);
      const column = 2 * (version?.hops ?? 0);
      const known = nearest.get(edge.source);
      nearest.set(edge.source, known === undefined ? column : Math.min(known, column));
    }
  }
  const columns = new Map<number, ILineageNode[]>();
  let widest = 0;
  for (const node of graph.nodes) {
    const column = Math.max(0, rightColumn(node, nearest));
    widest = Math.max(widest, column);
    const list = columns.get(column) ?? [];
    list.push(node);
    columns.set(column, list);
  }
  // Order each column by where its downstream neighbours are (right to left), so edges
  // cross less; ties keep the server's order (newest versions first).
  const rank = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const list = downstream.get(edge.source) ?? [];
    list.push(edge.target);
    downstream.set(edge.source, list);
  }
  const placed = new Map<string, IPlaced>();
  let height = 0;
  for (let column = 0; column <= widest; column++) {
    const nodes = columns.get(column) ?? [];
    const order = nodes.map((node, index) => {
      const targets = (downstream.get(node.id) ?? []).filter(id => rank.has(id));
      const centre = targets.length
        ? targets.reduce((sum, id) => sum + (rank.get(id) ?? 0), 0) / targets.length
        : index;
      return { node, centre, index };
    });
    order.sort((a, b) => a.centre - b.centre || a.index - b.index);
    order.forEach(({ node }, row) => {
      rank.set(node.id, row);
      const x = (widest - column) * (NODE_WIDTH + COLUMN_GAP);
      const y = row * (NODE_HEIGHT + ROW_GAP);
      placed.set(node.id, { node, column, x, y });
      height = Math.max(height, y + NODE_HEIGHT);
    });
  }
  const edges = graph.edges.filter(e => placed.has(e.source) && placed.has(e.target));
  const neighbours = new Map<string, number[]>();
  edges.forEach((edge, index) => {
    for (const end of [edge.source, edge.target]) {
      const list = neighbours.get(end) ?? [];
      list.push(index);
      neighbours.set(end, list);
    }
  });
  return {
    placed,
    width: (widest + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP,
    height,
    edges,
    neighbours
  };
}

/** The SVG path of an edge: a horizontal S-curve from the right side of one box to the left of the other. */
export function edgePath(from: IPlaced, to: IPlaced): string {
  const x1 = from.x + NODE_WIDTH;
  const y1 = from.y + NODE_HEIGHT / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_HEIGHT / 2;
  if (x2 <= x1) {
    // Same column (a file and its versions): a short bow on the left side.
    const left = Math.min(from.x, to.x);
    return `M${from.x},${y1} C${left - 30},${y1} ${left - 30},${y2} ${to.x},${y2}`;
  }
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

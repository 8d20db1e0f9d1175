/**
 * Shapes of the lineage graph, reproduce report and follow rules the REST API returns.
 */

/** A node: a file, one version of it, or one recorded run of a cell. */
export interface ILineageNode {
  id: string;
  kind: 'file' | 'version' | 'cell';
  label: string;
  path?: string;
  version?: number | null;
  file_id?: string;
  snapshot?: string | null;
  time?: string | null;
  aliases?: string[];
  cell_id?: string;
  notebook?: string | null;
  execution_count?: number | null;
  hops?: number;
  versions?: number;
}

/** `read`: version -> cell; `wrote`: cell -> version; `version`: file -> version. */
export interface ILineageEdge {
  source: string;
  target: string;
  kind: 'read' | 'wrote' | 'version';
  changed_since?: boolean;
}

/** `GET lineage/graph`: the upstream lineage of a file's versions. */
export interface ILineageGraph {
  path: string;
  depth: number;
  max_nodes: number;
  roots: string[];
  truncated: boolean;
  nodes: ILineageNode[];
  edges: ILineageEdge[];
}

/** One written file of a reproduce report. */
export interface IReproducedFile {
  path: string;
  status: 'same' | 'differs' | 'new' | 'not written' | 'unknown';
  recorded: string | null;
  now: string | null;
  diff: { [key: string]: unknown } | null;
  note?: string;
}

/** `GET reproduce`: a cell's re-run against what a snapshot recorded. */
export interface IReproduceReport {
  cell_id: string;
  notebook: string;
  at: string;
  recorded_in: string;
  reproduced: boolean;
  outputs: { same: boolean; detail: { [key: string]: unknown } | null; note: string | null };
  files: IReproducedFile[];
  metrics: { name: string; recorded: unknown; now: unknown; same: boolean | null }[];
  notes: string[];
}

/** A following alias: `{rule: "max accuracy", mode, metric, value}`. */
export interface IFollowRule {
  rule: string;
  mode: 'max' | 'min';
  metric: string;
  value: number | null;
}

/** `{path: {alias: rule}}`. */
export type IFollows = { [file: string]: { [alias: string]: IFollowRule } };

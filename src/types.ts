/**
 * The shapes the REST API answers with (see jupyter_mlversion/server/openapi.json).
 */

/** What a tracked path holds. */
import type { IFollows } from './lineage/types';

export type ArtifactKind = 'notebook' | 'dataset' | 'model' | 'file';

/** A model version's stage in the registry. */
export type Stage = 'none' | 'staging' | 'production' | 'archived';

/** The stages in the order a model moves through them. */
export const STAGES: Stage[] = ['none', 'staging', 'production', 'archived'];

/** A JSON object whose keys the API leaves open. */
export type IJSONObject = { [key: string]: unknown };

/** One file in a snapshot. */
export interface IFileEntry {
  path: string;
  id: string;
  size: number;
  kind: ArtifactKind;
}

/** What one cell read and wrote in a snapshot. */
export interface ICellIO {
  cell_id: string;
  execution_count?: number | null;
  notebook?: string | null;
  reads?: IJSONObject[];
  writes?: IJSONObject[];
}

/** One snapshot as listed. */
export interface ISnapshot {
  id: string;
  short_id: string;
  parents: string[];
  author: string;
  email?: string;
  time: string;
  message: string;
  metrics?: { [name: string]: unknown };
  params?: { [name: string]: unknown };
  tags?: string[];
  environment?: IJSONObject;
  lineage?: ICellIO[];
  tracked?: string[];
}

/** A page of the history, newest first. */
export interface ISnapshotPage {
  items: ISnapshot[];
  total: number;
  offset: number;
  limit: number;
  file?: string | null;
}

/** One snapshot with its files. */
export interface ISnapshotDetail {
  snapshot: ISnapshot;
  files: IFileEntry[];
}

/** One file that differs between two states. */
export interface IChange {
  path: string;
  status: 'added' | 'removed' | 'modified';
  kind?: ArtifactKind;
  old?: IFileEntry | null;
  new?: IFileEntry | null;
  old_version?: number | null;
  new_version?: number | null;
}

/** How a metric or parameter moved between two snapshots. */
export interface IValueDelta {
  name: string;
  old?: unknown;
  new?: unknown;
  delta?: number | null;
}

/** Summary of the differences between two references. */
export interface IDiff {
  old: string;
  new: string;
  files: IChange[];
  metrics: IValueDelta[];
  params: IValueDelta[];
}

/** Detailed diff of one file; `detail` depends on `kind`. */
export interface IFileDiff {
  path: string;
  kind: ArtifactKind;
  status: string;
  old?: string;
  new?: string;
  old_entry?: IFileEntry | null;
  new_entry?: IFileEntry | null;
  detail: IJSONObject | null;
  note?: string | null;
}

/** A cell added to or removed from a notebook (index in the notebook it is part of). */
export interface ICellBrief {
  index: number;
  id: string | null;
  cell_type: string;
}

/** A cell in both versions of a notebook whose `parts` (source, metadata, ...) differ. */
export interface ICellModified {
  old_index: number;
  new_index: number;
  id: string | null;
  cell_type: string;
  parts: string[];
}

/** How a notebook's cells moved since the last snapshot (outputs ignored). */
export interface ICellChanges {
  old_cells: number;
  new_cells: number;
  added: ICellBrief[];
  removed: ICellBrief[];
  modified: ICellModified[];
  metadata?: boolean;
}

/** The notebook named by `?path=`: its state and, when modified, its changed cells. */
export interface INotebookStatus {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'unchanged' | 'untracked';
  cells: ICellChanges | null;
}

/** What changed in the working tree since the last snapshot. */
export interface IStatus {
  head: string | null;
  clean: boolean;
  tracked: number;
  changes: IChange[];
  /** A drafted message naming what changed. */
  suggested_message?: string | null;
  notebook?: INotebookStatus | null;
  /** Cells run since the last snapshot, with the files they read and wrote. */
  cells?: IPendingCell[];
  /** Metrics and params logged in the notebook's kernels and not yet recorded. */
  metrics?: { [name: string]: number };
  params?: { [name: string]: unknown };
}

/** A cell that ran since the last snapshot: the next snapshot records its lineage. */
export interface IPendingCell {
  cell_id: string;
  notebook?: string | null;
  execution_count?: number | null;
  reads: string[];
  writes: string[];
}

/** The project holding a notebook. */
export interface IProject {
  root: string;
  notebook?: string | null;
  head: string | null;
  snapshots: number;
  tags: { [name: string]: string };
  /** False when the caller may only browse (their hub scope or the files say so). */
  can_write?: boolean;
  read_only_reason?: string | null;
}

/** Progress of a job. */
export interface IProgress {
  done?: number;
  total?: number;
  label?: string;
  /** What done and total count: bytes (snapshot, restore) or objects (verify, gc). */
  unit?: 'bytes' | 'objects';
}

/** An error as the API reports it. */
export interface IAPIError {
  status: number;
  error: string;
  message: string;
}

/** Long work run by the server. */
export interface IJob {
  id: string;
  kind: string;
  project?: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: IProgress;
  created?: number;
  finished?: number | null;
  result?: IJSONObject | null;
  error?: IAPIError | null;
}

/** One file a restore touches. */
export interface IRestoreItem {
  path: string;
  action: 'write' | 'delete' | 'unchanged';
  current_id?: string | null;
  target_id?: string | null;
  size?: number;
}

/** The outcome (or, dry, the plan) of a restore. */
export interface IRestoreResult {
  target: string;
  dry_run: boolean;
  safety_snapshot?: string | null;
  items: IRestoreItem[];
}

/** One version v0, v1, ... of a file. */
export interface IArtifactVersion {
  path: string;
  version: number;
  label?: string;
  id: string;
  size?: number;
  kind?: ArtifactKind;
  snapshot: string;
  time?: string;
  aliases?: string[];
}

/** A recorded move of an alias. */
export interface IAliasEvent {
  path: string;
  alias: string;
  old_version?: number | null;
  new_version?: number | null;
  author?: string;
  time?: string;
  message?: string;
}

/** Aliases by file, then by name, to a version number. */
export interface IAliases {
  aliases: { [file: string]: { [alias: string]: number } };
  /** Aliases that follow a metric (see lineage/types.ts). */
  follows?: IFollows;
  history?: IAliasEvent[];
}

/** One version of a registered model. */
export interface IModelVersion {
  model: string;
  number: number;
  path: string;
  artifact_version?: number;
  id?: string;
  stage: Stage;
  snapshot?: string;
}

/** A registered model and its versions. */
export interface IRegisteredModel {
  name: string;
  description?: string;
  versions: IModelVersion[];
}

/** A recorded registry change. */
export interface IRegistryEvent {
  kind: string;
  detail?: IJSONObject;
  author?: string;
  time?: string;
  message?: string;
}

/** One file a cell read or wrote in one run. */
export interface ICellFile {
  path: string;
  id: string;
  version: number | null;
  changed_since?: boolean | null;
}

/** One snapshot that recorded a cell: what it read and wrote. */
export interface ICellRun {
  snapshot: string;
  time: string;
  message: string;
  notebook?: string | null;
  execution_count?: number | null;
  reads: ICellFile[];
  writes: ICellFile[];
}

/** A cell's lineage across snapshots. */
export interface ILineage {
  cell_id: string;
  notebook?: string | null;
  runs: ICellRun[];
}

/** What a snapshot request may carry. */
export interface ISnapshotRequest {
  message?: string;
  paths?: string[];
  metrics?: { [name: string]: number };
  params?: IJSONObject;
  tags?: string[];
  allow_empty?: boolean;
  include_notebook?: boolean;
}

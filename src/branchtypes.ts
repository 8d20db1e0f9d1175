/**
 * The shapes the branch and merge routes answer with (see jupyter_mlversion/server/openapi.json).
 */
import type { ArtifactKind, IJSONObject } from './types';

/** One branch as `GET branches` lists it. */
export interface IBranch {
  name: string;
  /** Id of the snapshot the branch points at (null for a branch with no snapshot yet). */
  head: string | null;
  current: boolean;
  /** Snapshots on this branch and not on the default branch, and the other way round. */
  ahead?: number;
  behind?: number;
  /** Whether every snapshot of the branch is already on the current branch. */
  merged?: boolean;
}

/** The answer of `GET branches`. */
export interface IBranches {
  current: string;
  branches: IBranch[];
}

/** One remote as `GET remotes` lists it, with the current branch's counts since the last
 * fetch or push (no network). */
export interface IRemoteStatus {
  name: string;
  url: string;
  branch: string;
  /** The remote-tracking snapshot of the branch (null: never fetched, or not on the remote). */
  tracking: string | null;
  ahead: number;
  behind: number;
}

/** The answer of `GET remotes`. */
export interface IRemotes {
  branch: string;
  remotes: IRemoteStatus[];
}

/** How one path comes out of a merge. */
export type MergeOutcome = 'ours' | 'theirs' | 'merged' | 'conflict';

/** A cell of a notebook in conflict: its place in the base notebook and what conflicts. */
export interface IMergeCell {
  id?: string | null;
  index?: number | null;
  /** The part both sides changed: `source`, `outputs`, ... or `cell` (added/removed). */
  where?: string;
  outcome?: MergeOutcome | string;
  [key: string]: unknown;
}

/** A row of a table changed on both sides, by its key (`{column: value}`): each side's values. */
export interface IMergeRow {
  key?: IJSONObject | unknown;
  outcome?: MergeOutcome | string;
  base?: IJSONObject | null;
  ours?: IJSONObject | null;
  theirs?: IJSONObject | null;
  [key: string]: unknown;
}

/** One path of a merge preview, or one conflict of a merge in progress. */
export interface IMergeFile {
  path: string;
  /** `notebook`, `table` or `file`. */
  kind?: ArtifactKind | 'table' | string;
  outcome?: MergeOutcome;
  /** Notebooks: the cells, or counts of cells, merged and in conflict. */
  cells?: IMergeCell[] | IJSONObject | null;
  /** Tables: the rows, or counts of rows, merged and in conflict. */
  rows?: IMergeRow[] | IJSONObject | null;
  /** Words on what happened (e.g. "2 row(s) changed on both sides"). */
  detail?: string | IJSONObject | null;
  /** Tables: the key columns rows were matched on. */
  key?: string[];
  /** Settled already (when the server marks conflicts one by one). */
  resolved?: boolean;
}

/** What `POST merge/preview` says a merge would do (nothing is written). */
export interface IMergePreview {
  fast_forward: boolean;
  up_to_date: boolean;
  base: string | null;
  ours: string | null;
  theirs: string | null;
  files: IMergeFile[];
}

/** The result of a merge job. */
export interface IMergeResult {
  state: 'merged' | 'fast-forward' | 'up-to-date' | 'conflicts';
  branch?: string;
  snapshot?: string | IJSONObject | null;
  /** The snapshot that kept unsnapshotted work before the merge wrote anything. */
  safety_snapshot?: string | null;
  files?: IMergeFile[];
  conflicts?: IMergeFile[];
}

/** The merge in progress (`GET merge`); `in_progress` false when there is none. */
export interface IMergeState {
  in_progress?: boolean;
  branch?: string | null;
  base?: string | null;
  ours?: string | null;
  theirs?: string | null;
  message?: string | null;
  conflicts?: IMergeFile[];
  /** Paths of the conflicts settled so far, and of those still to settle. */
  resolved?: string[];
  unresolved?: string[];
  [key: string]: unknown;
}

/** What nbdime's merge widget takes: the base notebook and nbdime's merge decisions. */
export interface INotebookMerge {
  base: IJSONObject;
  merge_decisions: IJSONObject[];
  path?: string;
}

/** Which side a conflict is settled with; null = the file as it is now in the working tree. */
export type ResolveSide = 'ours' | 'theirs' | null;

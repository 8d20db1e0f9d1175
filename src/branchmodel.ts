/**
 * Branches and the merge in progress of the active notebook's project: no DOM, data and signals.
 *
 * It stands beside the VersionsModel (which follows the notebook and owns the history) and
 * refreshes whenever that model's project does.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { API } from './api';
import type {
  IBranch,
  IMergeFile,
  IMergePreview,
  IMergeResult,
  IMergeState,
  INotebookMerge,
  IRemoteStatus,
  ResolveSide
} from './branchtypes';
import { errorText } from './model';
import type { IVersionsAPI, VersionsModel } from './model';
import type { IJob, IRestoreResult } from './types';

/** What changed: the list of branches, or the merge in progress. */
export type BranchPart = 'branches' | 'merge' | 'remotes';

/** What a push or pull answered, as far as the panel reports it. */
export interface IRemoteResult {
  remote?: string;
  action?: string;
  snapshots?: number;
  up_to_date?: boolean;
  [key: string]: unknown;
}

/** The outcome (or, dry, the plan) of a switch: the restore it ran, if the tree changed. */
export interface ISwitchResult {
  branch: string;
  previous?: string;
  created?: boolean;
  head?: string | null;
  dry_run?: boolean;
  restore?: IRestoreResult | null;
}

/** Whether an answer is a job to follow rather than a finished result. */
export function isJob(value: unknown): value is IJob {
  return (
    value !== null &&
    typeof value === 'object' &&
    'id' in value &&
    'status' in value &&
    'kind' in value
  );
}

/** A branch name as typed: trimmed; throws with what to do when it cannot be one. */
export function branchName(text: string): string {
  const name = text.trim();
  if (!name) {
    throw new Error('type a name for the branch');
  }
  if (/\s/.test(name) || name.startsWith('-') || name.includes('..') || /[~^:?*[\\]/.test(name)) {
    throw new Error(
      `'${name}' cannot be a branch name: use letters, digits, '.', '_', '-' or '/', without spaces`
    );
  }
  return name;
}

/** Whether the conflict on `path` is settled in a merge state. */
export function isResolved(state: IMergeState | null, path: string): boolean {
  if (!state) {
    return false;
  }
  if (Array.isArray(state.unresolved)) {
    return !state.unresolved.includes(path);
  }
  if (Array.isArray(state.resolved)) {
    return state.resolved.includes(path);
  }
  return state.conflicts?.find(conflict => conflict.path === path)?.resolved === true;
}

/** The conflicts of a merge state that are still to settle. */
export function openConflicts(state: IMergeState | null): IMergeFile[] {
  return (state?.conflicts ?? []).filter(conflict => !isResolved(state, conflict.path));
}

/** State of the branches of the followed project. */
export class BranchesModel {
  constructor(
    readonly versions: VersionsModel,
    readonly api: IVersionsAPI = API
  ) {
    versions.changed.connect((_, part) => {
      if (part === 'project') {
        void this.refresh();
      }
    }, this);
  }

  /** Emitted with the part that changed. */
  get changed(): ISignal<this, BranchPart> {
    return this._changed;
  }

  /** The current branch ('' until known, or with no project). */
  get current(): string {
    return this._current;
  }

  get branches(): IBranch[] {
    return this._branches;
  }

  /** The branches other than the current one. */
  get others(): IBranch[] {
    return this._branches.filter(branch => !branch.current && branch.name !== this._current);
  }

  /** The merge in progress, or null. */
  get merge(): IMergeState | null {
    return this._merge;
  }

  /** Names of the branches whose head is the snapshot `id`. */
  headsAt(id: string): string[] {
    return this._branches.filter(branch => branch.head === id).map(branch => branch.name);
  }

  /** Fetch the branches and the merge in progress again. */
  async refresh(): Promise<void> {
    const path = this.versions.notebook;
    if (path === null || this.versions.project === null) {
      this._current = '';
      this._branches = [];
      this._remotes = [];
      this._setMerge(null);
      this._changed.emit('branches');
      this._changed.emit('remotes');
      return;
    }
    // A server without the branch routes still serves the rest of the panel.
    const [branches, merge, remotes] = await Promise.all([
      this.api.branches(path).catch(() => null),
      this.api.mergeState(path).catch(() => null),
      this.api.remotes(path).catch(() => null)
    ]);
    if (path !== this.versions.notebook) {
      return; // another notebook was followed meanwhile
    }
    this._current = branches?.current ?? '';
    this._branches = branches?.branches ?? [];
    this._changed.emit('branches');
    this._setMerge(merge);
    this._remotes = remotes?.remotes ?? [];
    this._changed.emit('remotes');
  }

  /** The project's remotes with the current branch's ahead/behind (as of the last fetch). */
  get remotes(): IRemoteStatus[] {
    return this._remotes;
  }

  /** The remote Push and Pull use: `origin`, else the first one; null without remotes. */
  get remote(): IRemoteStatus | null {
    return this._remotes.find(r => r.name === 'origin') ?? this._remotes[0] ?? null;
  }

  /** Send the current branch to `remote`; the counts are read again afterwards. */
  async push(remote: string): Promise<IRemoteResult> {
    try {
      return await this.versions.runJob<IRemoteResult>(
        `Push to ${remote}`,
        this.api.push(this._path(), remote)
      );
    } finally {
      await this.refresh();
    }
  }

  /** Fetch `remote` and bring its snapshots into the current branch (and the files). */
  async pull(remote: string): Promise<IRemoteResult> {
    try {
      return await this.versions.runJob<IRemoteResult>(
        `Pull from ${remote}`,
        this.api.pull(this._path(), remote)
      );
    } finally {
      await this.versions.refresh();
    }
  }

  /** Create branch `name` at `ref` (default: the current snapshot). */
  async create(name: string, ref?: string): Promise<void> {
    const path = this._path();
    await this.versions.report(this.api.createBranch(path, branchName(name), ref || undefined));
    await this.refresh();
    // The history shows which snapshots each branch holds.
    await this.versions.history.reset().catch(() => undefined);
  }

  /** Delete branch `name`; `force` also deletes one whose snapshots are not merged. */
  async remove(name: string, force = false): Promise<void> {
    await this.versions.report(this.api.deleteBranch(this._path(), name, force));
    await this.refresh();
    await this.versions.history.reset().catch(() => undefined);
  }

  /**
   * Delete `name` if no snapshot would be left on no branch; otherwise delete nothing and
   * return the server's refusal, which names those snapshots.
   */
  async removeIfMerged(name: string): Promise<string | null> {
    try {
      await this.api.deleteBranch(this._path(), name, false);
    } catch (error) {
      return errorText(error);
    }
    await this.refresh();
    await this.versions.history.reset().catch(() => undefined);
    return null;
  }

  /** What switching to `branch` would write and delete (nothing is written). */
  previewSwitch(branch: string, create = false): Promise<ISwitchResult> {
    return this.versions.runJob(
      'Switch (preview)',
      this.api.switchBranch(this._path(), branchName(branch), { create, dryRun: true })
    );
  }

  /**
   * Move the working tree to `branch` (unsnapshotted work is kept in a safety snapshot by the
   * server); `create` makes the branch at the current snapshot first.
   */
  async switchTo(branch: string, create = false): Promise<ISwitchResult> {
    const result = await this.versions.runJob<ISwitchResult>(
      create ? 'New branch' : 'Switch branch',
      this.api.switchBranch(this._path(), branchName(branch), { create })
    );
    await this.versions.refresh();
    return result;
  }

  /** What merging `branch` into the current branch would do (nothing is written). */
  preview(branch: string, key?: string): Promise<IMergePreview> {
    return this.versions.report(this.api.mergePreview(this._path(), branch, key || undefined));
  }

  /** Merge `branch` into the current branch; with conflicts, the merge waits for them. */
  async mergeFrom(branch: string, message?: string, key?: string): Promise<IMergeResult> {
    const result = await this.versions.runJob<IMergeResult>(
      'Merge',
      this.api.merge(this._path(), branch, message || undefined, key || undefined)
    );
    await this.versions.refresh();
    return result;
  }

  /** Give up the merge in progress: the working tree returns to what it was. */
  async abort(): Promise<void> {
    await this._finishMaybeJob('Abort merge', this.api.mergeAbort(this._path()));
    await this.versions.refresh();
  }

  /** Snapshot the merge once every conflict is settled; returns the job's result. */
  async finish(message?: string): Promise<IMergeResult | IMergeState> {
    const result = await this._finishMaybeJob<IMergeResult | IMergeState>(
      'Finish merge',
      this.api.mergeContinue(this._path(), message || undefined)
    );
    await this.versions.refresh();
    return result;
  }

  /** Settle the conflict on `file` with a side, or with `content` / the file as it is (null). */
  async resolve(file: string, side: ResolveSide, content?: string): Promise<void> {
    const state = await this.versions.report(
      this.api.mergeResolve(this._path(), file, side, content)
    );
    if (state && typeof state === 'object' && 'conflicts' in state) {
      this._setMerge(state);
    } else {
      await this.refresh();
    }
    await this.versions.refreshStatus();
  }

  /** A notebook in conflict as nbdime's merge widget takes it. */
  notebookMerge(file: string): Promise<INotebookMerge> {
    return this.versions.report(this.api.notebookMerge(this._path(), file));
  }

  private async _finishMaybeJob<T>(title: string, started: Promise<IJob | unknown>): Promise<T> {
    const answer = await this.versions.report(started);
    if (isJob(answer)) {
      return this.versions.runJob<T>(title, Promise.resolve(answer));
    }
    return answer as T;
  }

  private _setMerge(state: IMergeState | null): void {
    const active =
      state !== null &&
      (state.in_progress === true ||
        (state.in_progress === undefined && (state.conflicts?.length ?? 0) > 0));
    this._merge = active ? state : null;
    this._changed.emit('merge');
  }

  private _path(): string {
    const path = this.versions.notebook;
    if (path === null) {
      throw new Error('open a notebook first');
    }
    return path;
  }

  private _current = '';
  private _branches: IBranch[] = [];
  private _remotes: IRemoteStatus[] = [];
  private _merge: IMergeState | null = null;
  private _changed = new Signal<this, BranchPart>(this);
}

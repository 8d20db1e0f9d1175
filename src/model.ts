/**
 * The sidebar's state for the active notebook's project: no DOM, only data and signals.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { API } from './api';
import { HistoryList } from './history';
import { finishJob, progressText } from './jobs';
import type {
  IAliases,
  IDiff,
  IFileDiff,
  IJob,
  ILineage,
  IModelVersion,
  IProgress,
  IProject,
  IRegisteredModel,
  IRestoreResult,
  ISnapshot,
  ISnapshotDetail,
  ISnapshotRequest,
  IStatus,
  Stage
} from './types';
import type { IFollows, ILineageGraph, IReproduceReport } from './lineage/types';

/** How far back and how large a lineage graph the panel asks for. */
const LINEAGE_DEPTH = 50;
const LINEAGE_NODES = 500;

/** The calls the model makes; the API module by default, a fake in tests. */
export type IVersionsAPI = typeof API;

/** What a change of state concerns, so views redraw only their part. */
export type ModelPart = 'project' | 'status' | 'selection' | 'names' | 'cell' | 'busy';

/** A snapshot's outcome as the snapshot job returns it. */
export interface ISnapshotOutcome {
  created: boolean;
  snapshot: ISnapshot | null;
  warnings: string[];
  suggested_message?: string | null;
  /** With no snapshot made: why, naming the snapshot that already holds the files. */
  note?: string | null;
}

/** The selected cell of the active notebook. */
export interface ICellRef {
  id: string;
  index: number;
}

/** Words for an error of any kind. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** State of the project holding the active notebook. */
export class VersionsModel {
  constructor(readonly api: IVersionsAPI = API) {
    this.history = new HistoryList(async (offset, limit, query) =>
      this._guard(
        this.api.snapshots(this._path(), {
          offset,
          limit,
          file: this._file || undefined,
          q: query || undefined,
          branch: this._branch || undefined
        })
      )
    );
  }

  /** The history list (paged; filtered by file and search). */
  readonly history: HistoryList;

  /** Emitted with the part of the state that changed. */
  get changed(): ISignal<this, ModelPart> {
    return this._changed;
  }

  /** Emitted with a message for the user when a call fails. */
  get failed(): ISignal<this, string> {
    return this._failed;
  }

  /** Emitted as long work advances; `null` when it ended. */
  get progress(): ISignal<this, { title: string; text: string } | null> {
    return this._progress;
  }

  /** The active notebook, relative to the server root, or null. */
  get notebook(): string | null {
    return this._notebook;
  }

  get project(): IProject | null {
    return this._project;
  }

  /** Why there is no project (e.g. the notebook is not inside one); null when there is. */
  get problem(): string | null {
    return this._problem;
  }

  get status(): IStatus | null {
    return this._status;
  }

  /** The file the history is filtered by ('' = none). */
  get fileFilter(): string {
    return this._file;
  }

  /** One or two selected snapshot ids; with two, the first is the older side of the diff. */
  get selection(): string[] {
    return this._selection;
  }

  get tags(): { [name: string]: string } {
    return this._tags;
  }

  get aliases(): IAliases['aliases'] {
    return this._aliases;
  }

  /** Aliases that follow a metric: `{file: {alias: rule}}`. */
  get follows(): IFollows {
    return this._follows;
  }

  get models(): IRegisteredModel[] {
    return this._models;
  }

  get cell(): ICellRef | null {
    return this._cell;
  }

  get lineage(): ILineage | null {
    return this._lineage;
  }

  /** What long work runs now ('' = none). */
  get busy(): string {
    return this._busy;
  }

  /** Follow another notebook (null: none is active). */
  async setNotebook(path: string | null): Promise<void> {
    if (path === this._notebook) {
      return;
    }
    this._notebook = path;
    this._selection = [];
    this._cell = null;
    this._lineage = null;
    await this.refresh();
  }

  /** Fetch project, status and the history's first page again. */
  async refresh(): Promise<void> {
    if (this._notebook === null) {
      this._noProject(null);
      this._problem = 'Open a notebook to see its versions.';
      this._changed.emit('project');
      return;
    }
    try {
      this._project = await this.api.project(this._notebook);
      this._problem = null;
      this._startFolder = null;
    } catch (error) {
      this._noProject(error);
      return;
    }
    this._changed.emit('project');
    await Promise.all([
      this.refreshStatus(),
      this.history.reset().catch(() => undefined),
      this.refreshNames(),
      this._reloadCell()
    ]);
  }

  /**
   * The folder to offer for "Start versioning this folder" (the notebook's, relative to the
   * server root; '' for the root), or null when the notebook has a project or none is open.
   */
  get startFolder(): string | null {
    return this._startFolder;
  }

  /** Create a project in `folder` (relative to the server root), then follow it. */
  async startProject(folder: string): Promise<IProject> {
    const project = await this._guard(this.api.createProject(folder.trim() || '.'));
    await this.refresh();
    return project;
  }

  /** What restoring project files `paths` to snapshot `to` would change (nothing is written). */
  previewRestore(paths: string[], to: string): Promise<IRestoreResult> {
    return this._work('Preview', this.api.restorePaths(this._path(), paths, to, true));
  }

  /** Restore project files `paths` to their state at snapshot `to`. */
  async restoreFiles(paths: string[], to: string): Promise<IRestoreResult> {
    const result = await this._work<IRestoreResult>(
      'Restore',
      this.api.restorePaths(this._path(), paths, to, false)
    );
    await this.refresh();
    return result;
  }

  /** What checking out snapshot `to` would change (nothing is written). */
  previewCheckout(to: string): Promise<IRestoreResult> {
    return this._work('Preview', this.api.restoreSnapshot(this._path(), to, true));
  }

  /** Make the working tree match snapshot `to`. */
  async checkout(to: string): Promise<IRestoreResult> {
    const result = await this._work<IRestoreResult>(
      'Check out',
      this.api.restoreSnapshot(this._path(), to, false)
    );
    await this.refresh();
    return result;
  }

  /** The notebook has no project (or none is open): forget every trace of the previous one. */
  private _noProject(error: unknown): void {
    const notebook = this._notebook;
    this._project = null;
    this._status = null;
    this._selection = [];
    this._tags = {};
    this._aliases = {};
    this._models = [];
    this._lineage = null;
    this._file = '';
    this.history.clear();
    const kind = (error as { errorName?: string } | null)?.errorName;
    if (notebook !== null && kind === 'NotAProjectError') {
      const slash = notebook.lastIndexOf('/');
      this._startFolder = slash < 0 ? '' : notebook.slice(0, slash);
      this._problem = 'This folder is not versioned yet.';
    } else {
      this._startFolder = null;
      this._problem = error === null ? null : errorText(error);
    }
    for (const part of ['status', 'selection', 'names', 'cell', 'project'] as const) {
      this._changed.emit(part);
    }
  }

  /** Fetch the selected cell's lineage again (a snapshot or rollback may have changed it). */
  private async _reloadCell(): Promise<void> {
    const cell = this._cell;
    if (cell) {
      this._cell = null;
      await this.setCell(cell);
    }
  }

  async refreshStatus(): Promise<void> {
    const status = await this._guard(this.api.status(this._path())).catch(() => null);
    this._status = status;
    this._changed.emit('status');
  }

  /** Tags, aliases and registered models. */
  async refreshNames(): Promise<void> {
    const path = this._path();
    const [tags, aliases, models] = await Promise.all([
      this._guard(this.api.tags(path)).catch(() => ({ tags: {} })),
      this._guard(this.api.aliases(path)).catch(() => ({ aliases: {} })),
      this._guard(this.api.models(path)).catch(() => ({ models: [] }))
    ]);
    this._tags = tags.tags;
    this._aliases = aliases.aliases;
    this._follows = (aliases as IAliases).follows ?? {};
    this._models = models.models;
    this._changed.emit('names');
  }

  /** Show only snapshots that changed `file` ('' = all). */
  async filterByFile(file: string): Promise<void> {
    this._file = file.trim();
    await this.history.reset().catch(() => undefined);
  }

  /** The branch the history lists ('' = the current one, '*' = every branch). */
  get branchFilter(): string {
    return this._branch;
  }

  /** List the snapshots of `branch` ('' = the current branch, '*' = all branches). */
  async filterByBranch(branch: string): Promise<void> {
    this._branch = branch.trim();
    await this.history.reset().catch(() => undefined);
  }

  /** Run a server job as this model's own work: busy state, progress and failures reported. */
  runJob<T>(title: string, started: Promise<IJob>): Promise<T> {
    return this._work<T>(title, started);
  }

  /** Report a failed call to the user (the `failed` signal), then let the caller see it too. */
  report<T>(call: Promise<T>): Promise<T> {
    return this._guard(call);
  }

  /** Select a snapshot; `add` keeps the previous one so that two are compared. */
  select(id: string, add = false): void {
    if (add && this._selection.length > 0 && !this._selection.includes(id)) {
      this._selection = [this._selection[this._selection.length - 1], id];
    } else {
      this._selection = [id];
    }
    this._changed.emit('selection');
  }

  /** The older and newer of two snapshot ids, by their place in the history. */
  ordered(a: string, b: string): [string, string] {
    const ia = this.history.indexOf(a);
    const ib = this.history.indexOf(b);
    // Newest first: a larger index is older.
    return ia >= ib ? [a, b] : [b, a];
  }

  /** Take a snapshot; the notebook is saved first by the caller. */
  async takeSnapshot(request: ISnapshotRequest): Promise<ISnapshotOutcome> {
    const outcome = await this._work<ISnapshotOutcome>(
      'Snapshot',
      this.api.createSnapshot(this._path(), request)
    );
    await this.refresh();
    return outcome;
  }

  details(ref: string): Promise<ISnapshotDetail> {
    return this._guard(this.api.snapshot(this._path(), ref, true));
  }

  diff(old: string, newRef: string): Promise<IDiff> {
    return this._guard(this.api.diff(this._path(), old, newRef));
  }

  diffFile(file: string, old: string, newRef: string): Promise<IFileDiff> {
    return this._guard(this.api.diffFile(this._path(), file, old, newRef));
  }

  async addTag(name: string, ref: string, message?: string): Promise<void> {
    await this._guard(this.api.createTag(this._path(), name, ref, message));
    await Promise.all([this.refreshNames(), this.history.reset().catch(() => undefined)]);
  }

  async deleteTag(name: string): Promise<void> {
    await this._guard(this.api.deleteTag(this._path(), name));
    await Promise.all([this.refreshNames(), this.history.reset().catch(() => undefined)]);
  }

  async setAlias(file: string, name: string, version?: number): Promise<void> {
    await this._guard(this.api.setAlias(this._path(), file, name, version));
    await this.refreshNames();
  }

  /** Make `file@name` follow `rule` (`max accuracy`); an empty rule stops following. */
  async followAlias(file: string, name: string, rule: string, version?: number): Promise<void> {
    await this._guard(this.api.followAlias(this._path(), file, name, rule || undefined, version));
    await this.refreshNames();
  }

  /** The upstream lineage of `file` (or `file@vN`), as far back as the server goes. */
  lineageGraph(file: string): Promise<ILineageGraph> {
    return this._guard(this.api.lineageGraph(this._path(), file, LINEAGE_DEPTH, LINEAGE_NODES));
  }

  /** Compare the selected cell's re-run with what snapshot `at` recorded. */
  reproduce(at: string): Promise<IReproduceReport> {
    return this._guard(this.api.reproduce(this._path(), this._cellId(), at));
  }

  async removeAlias(file: string, name: string): Promise<void> {
    await this._guard(this.api.removeAlias(this._path(), file, name));
    await this.refreshNames();
  }

  /** Register `ref` (`path@vN`) as the next version of model `name`; returns that version. */
  async registerModel(name: string, ref: string, description?: string): Promise<IModelVersion> {
    const version = await this._guard(
      this.api.registerModel(this._path(), name, ref, description || undefined)
    );
    await this.refreshNames();
    return version;
  }

  async promote(model: string, version: number, stage: Stage, reason: string): Promise<void> {
    await this._guard(this.api.promoteModel(this._path(), model, version, stage, reason));
    await this.refreshNames();
  }

  /** Follow the selected cell (null: none) and fetch its lineage. */
  async setCell(cell: ICellRef | null): Promise<void> {
    if (cell?.id === this._cell?.id) {
      return;
    }
    this._cell = cell;
    this._lineage = null;
    this._changed.emit('cell');
    if (cell === null || this._project === null) {
      return;
    }
    const lineage = await this._guard(this.api.lineage(this._path(), cell.id)).catch(() => null);
    if (this._cell?.id === cell.id) {
      this._lineage = lineage;
      this._changed.emit('cell');
    }
  }

  /** What rolling the selected cell's inputs back to `to` would change (nothing is written). */
  previewRollback(to: string): Promise<IRestoreResult> {
    return this._work('Preview', this.api.restoreCell(this._path(), this._cellId(), to, true));
  }

  /** Roll the selected cell's inputs back to their versions at `to`. */
  async rollback(to: string): Promise<IRestoreResult> {
    const result = await this._work<IRestoreResult>(
      'Roll back inputs',
      this.api.restoreCell(this._path(), this._cellId(), to, false)
    );
    await this.refreshStatus();
    await this._reloadCell();
    return result;
  }

  private _cellId(): string {
    if (!this._cell) {
      throw new Error('select a cell of the notebook first');
    }
    return this._cell.id;
  }

  private _path(): string {
    if (this._notebook === null) {
      throw new Error('open a notebook first');
    }
    return this._notebook;
  }

  /** Run a job, reporting its progress, and return its result. */
  private async _work<T>(title: string, started: Promise<IJob>): Promise<T> {
    this._busy = title;
    this._changed.emit('busy');
    this._progress.emit({ title, text: '' });
    try {
      return await this._guard(
        finishJob<T>(started, (progress: IProgress) =>
          this._progress.emit({ title, text: progressText(progress) })
        )
      );
    } finally {
      this._busy = '';
      this._progress.emit(null);
      this._changed.emit('busy');
    }
  }

  /** Report a failure to the user, then let the caller see it too. */
  private async _guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      this._failed.emit(errorText(error));
      throw error;
    }
  }

  private _notebook: string | null = null;
  private _project: IProject | null = null;
  private _problem: string | null = 'Open a notebook to see its versions.';
  private _status: IStatus | null = null;
  private _file = '';
  private _branch = '';
  private _selection: string[] = [];
  private _tags: { [name: string]: string } = {};
  private _aliases: IAliases['aliases'] = {};
  private _models: IRegisteredModel[] = [];
  private _follows: IFollows = {};
  private _cell: ICellRef | null = null;
  private _lineage: ILineage | null = null;
  private _busy = '';
  private _startFolder: string | null = null;
  private _changed = new Signal<this, ModelPart>(this);
  private _failed = new Signal<this, string>(this);
  private _progress = new Signal<this, { title: string; text: string } | null>(this);
}

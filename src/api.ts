/**
 * The one place the frontend talks to the server's REST API.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type {
  IBranches,
  IMergePreview,
  IMergeState,
  INotebookMerge,
  IRemotes,
  ResolveSide
} from './branchtypes';
import type {
  IAliases,
  IArtifactVersion,
  IDiff,
  IFileDiff,
  IJob,
  ILineage,
  IModelVersion,
  IProject,
  IRegisteredModel,
  IRegistryEvent,
  ISnapshotDetail,
  ISnapshotPage,
  ISnapshotRequest,
  IStatus,
  Stage
} from './types';
import type { ILineageGraph, IReproduceReport } from './lineage/types';

/** Path of the REST API below the server's base URL. */
export const API_NAMESPACE = 'mlversion/api';

/**
 * The full URL of an API endpoint below a server base URL.
 *
 * @param baseUrl - the server's base URL, e.g. `http://host:8888/user/ana/`
 * @param endpoint - the path below `mlversion/api/`, e.g. `status` or `log?path=x`
 */
export function apiUrl(baseUrl: string, endpoint: string): string {
  return URLExt.join(baseUrl, API_NAMESPACE, endpoint);
}

/**
 * Call the mlversion REST API and return its decoded JSON answer.
 *
 * Authentication (token, XSRF cookie) comes from the page's server settings.
 *
 * @param endpoint - the path below `mlversion/api/`
 * @param init - fetch options such as `method` and `body`
 * @returns the decoded JSON body, or `undefined` for an empty body
 * @throws ServerConnection.NetworkError when the server cannot be reached
 * @throws ServerConnection.ResponseError when the server answers with an error status
 */
export async function requestAPI<T>(endpoint = '', init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = apiUrl(settings.baseUrl, endpoint);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  let data: unknown = undefined;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // A proxy or a missing route may answer with HTML: keep its text for the message.
      data = text;
    }
  }
  if (!response.ok) {
    // A job that failed before the answer (`wait`) comes whole, its error inside it.
    const job = (data as { error?: unknown } | null)?.error;
    const body = job !== null && typeof job === 'object' ? job : data;
    const error = new ServerConnection.ResponseError(response, errorMessage(response, body));
    // The engine's error name (e.g. NotAProjectError) lets the panel react to the kind.
    const name = (body as { error?: unknown } | null)?.error;
    throw Object.assign(error, { errorName: typeof name === 'string' ? name : '' });
  }
  return data as T;
}

/** A readable message for a failed response: the server's own message when it sent one. */
export function errorMessage(response: Response, data: unknown): string {
  if (data !== null && typeof data === 'object' && 'message' in data) {
    const message = (data as { message: unknown }).message;
    if (typeof message === 'string' && message.length > 0) {
      return message;
    }
  }
  if (response.status === 404) {
    return `${response.url.split('?')[0]} was not found: is the jupyter_mlversion server extension enabled? (try 'jupyter server extension list')`;
  }
  return `the server answered ${response.status} ${response.statusText}`.trim();
}

/** Query string from parameters, leaving out undefined ones. */
export function query(params: {
  [key: string]: string | number | boolean | undefined | null;
}): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function json(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
}

/** How long a job-starting request waits for the job before answering 202 (seconds). */
const INLINE_WAIT = 0.5;

/**
 * Typed calls, one per endpoint. `path` is the notebook (or folder) whose project is meant,
 * relative to the server root.
 */
export namespace API {
  export const project = (path: string): Promise<IProject> =>
    requestAPI(`project${query({ path })}`);

  /** Start versioning `folder` (relative to the server root): the project it creates. */
  export const createProject = (folder: string): Promise<IProject> =>
    requestAPI(`project${query({ path: folder })}`, { method: 'POST' });

  export const status = (path: string): Promise<IStatus> => requestAPI(`status${query({ path })}`);

  /**
   * A page of the history; `file` keeps snapshots that changed it, `q` searches on the server,
   * `branch` lists that branch's snapshots (`*`: every branch's).
   */
  export const snapshots = (
    path: string,
    options: { file?: string; limit?: number; offset?: number; q?: string; branch?: string } = {}
  ): Promise<ISnapshotPage> => requestAPI(`snapshots${query({ path, ...options })}`);

  export const createSnapshot = (path: string, request: ISnapshotRequest): Promise<IJob> =>
    requestAPI(`snapshots${query({ path, wait: INLINE_WAIT })}`, json('POST', request));

  export const snapshot = (path: string, ref: string, lineage = false): Promise<ISnapshotDetail> =>
    requestAPI(`snapshots/${encodeURIComponent(ref)}${query({ path, lineage })}`);

  export const diff = (path: string, old: string, newRef: string): Promise<IDiff> =>
    requestAPI(`diff${query({ path, old, new: newRef })}`);

  export const diffFile = (
    path: string,
    file: string,
    old: string,
    newRef: string,
    outputs = true
  ): Promise<IFileDiff> =>
    requestAPI(`diff/file${query({ path, file, old, new: newRef, outputs })}`);

  export const restoreCell = (
    path: string,
    cellId: string,
    to: string,
    dryRun: boolean
  ): Promise<IJob> =>
    requestAPI(
      `restore/cell${query({ path, wait: INLINE_WAIT })}`,
      json('POST', { cell_id: cellId, to, dry_run: dryRun })
    );

  export const restorePaths = (
    path: string,
    paths: string[],
    to: string,
    dryRun: boolean
  ): Promise<IJob> =>
    requestAPI(
      `restore/paths${query({ path, wait: INLINE_WAIT })}`,
      json('POST', { paths, to, dry_run: dryRun })
    );

  /** Make the working tree match snapshot `to` (a checkout), or preview that. */
  export const restoreSnapshot = (path: string, to: string, dryRun: boolean): Promise<IJob> =>
    requestAPI(
      `restore/snapshot${query({ path, wait: INLINE_WAIT })}`,
      json('POST', { to, dry_run: dryRun })
    );

  export const tags = (path: string): Promise<{ tags: { [name: string]: string } }> =>
    requestAPI(`tags${query({ path })}`);

  export const createTag = (
    path: string,
    name: string,
    ref: string,
    message?: string
  ): Promise<{ tags: { [name: string]: string } }> =>
    requestAPI(`tags${query({ path })}`, json('POST', { name, ref, message }));

  export const deleteTag = (path: string, name: string): Promise<void> =>
    requestAPI(`tags/${encodeURIComponent(name)}${query({ path })}`, { method: 'DELETE' });

  export const versions = (
    path: string,
    file: string
  ): Promise<{ path: string; versions: IArtifactVersion[] }> =>
    requestAPI(`versions${query({ path, file })}`);

  export const aliases = (path: string, file?: string): Promise<IAliases> =>
    requestAPI(`aliases${query({ path, file })}`);

  export const setAlias = (
    path: string,
    file: string,
    name: string,
    version?: number,
    message?: string
  ): Promise<IArtifactVersion> =>
    requestAPI(`aliases${query({ path })}`, json('PUT', { file, name, version, message }));

  export const removeAlias = (path: string, file: string, name: string): Promise<void> =>
    requestAPI(`aliases${query({ path, file, name })}`, { method: 'DELETE' });

  export const models = (path: string): Promise<{ models: IRegisteredModel[] }> =>
    requestAPI(`models${query({ path })}`);

  export const registerModel = (
    path: string,
    name: string,
    ref: string,
    description?: string
  ): Promise<IModelVersion> =>
    requestAPI(`models${query({ path })}`, json('POST', { name, ref, description }));

  export const promoteModel = (
    path: string,
    name: string,
    version: number,
    stage: Stage,
    reason: string
  ): Promise<IModelVersion> =>
    requestAPI(
      `models/${encodeURIComponent(name)}/versions/${version}/stage${query({ path })}`,
      json('PUT', { stage, reason })
    );

  export const registryHistory = (
    path: string,
    name?: string
  ): Promise<{ events: IRegistryEvent[] }> =>
    requestAPI(`registry/history${query({ path, name })}`);

  export const lineage = (path: string, cellId: string): Promise<ILineage> =>
    requestAPI(`lineage${query({ path, cell_id: cellId })}`);

  /** The upstream lineage graph of `file` (every version) or `file@vN`. */
  export const lineageGraph = (
    path: string,
    file: string,
    depth?: number,
    maxNodes?: number
  ): Promise<ILineageGraph> =>
    requestAPI(`lineage/graph${query({ path, file, depth, max_nodes: maxNodes })}`);

  /** Compare the re-run of cell `cellId` (saved notebook, journals) with what `at` recorded. */
  export const reproduce = (path: string, cellId: string, at: string): Promise<IReproduceReport> =>
    requestAPI(`reproduce${query({ path, cell_id: cellId, at })}`);

  /** Make `file@name` follow `follow` (`max accuracy`), or stop following (`unfollow`). */
  export const followAlias = (
    path: string,
    file: string,
    name: string,
    follow: string | undefined,
    version?: number
  ): Promise<IArtifactVersion> =>
    requestAPI(
      `aliases${query({ path })}`,
      json('PUT', follow ? { file, name, follow, version } : { file, name, unfollow: true })
    );

  export const job = (id: string, wait = 0): Promise<IJob> =>
    requestAPI(`jobs/${encodeURIComponent(id)}${query({ wait })}`);

  // Branches and merge.

  export const branches = (path: string): Promise<IBranches> =>
    requestAPI(`branches${query({ path })}`);

  export const createBranch = (path: string, name: string, ref?: string): Promise<IBranches> =>
    requestAPI(`branches${query({ path })}`, json('POST', { name, ref }));

  export const deleteBranch = (path: string, name: string, force = false): Promise<void> =>
    requestAPI(
      `branches/${encodeURIComponent(name)}${query({ path, force: force || undefined })}`,
      {
        method: 'DELETE'
      }
    );

  /** Move the working tree to a branch's head (job); `create` makes the branch first. */
  export const switchBranch = (
    path: string,
    branch: string,
    options: { create?: boolean; dryRun?: boolean } = {}
  ): Promise<IJob> =>
    requestAPI(
      `switch${query({ path, wait: INLINE_WAIT })}`,
      json('POST', { branch, create: options.create, dry_run: options.dryRun })
    );

  export const mergePreview = (
    path: string,
    branch: string,
    key?: string
  ): Promise<IMergePreview> =>
    requestAPI(`merge/preview${query({ path })}`, json('POST', { branch, key }));

  /** Merge `branch` into the current branch (job). */
  export const merge = (
    path: string,
    branch: string,
    message?: string,
    key?: string
  ): Promise<IJob> =>
    requestAPI(
      `merge${query({ path, wait: INLINE_WAIT })}`,
      json('POST', { branch, message, key })
    );

  // Remotes.

  export const remotes = (path: string): Promise<IRemotes> =>
    requestAPI(`remotes${query({ path })}`);

  /** Send the current branch, its tags and the registry to `remote` (the default) (job). */
  export const push = (path: string, remote?: string): Promise<IJob> =>
    requestAPI(`push${query({ path, wait: INLINE_WAIT })}`, json('POST', { remote }));

  /** Fetch `remote`, then fast-forward or merge the current branch (job). */
  export const pull = (path: string, remote?: string): Promise<IJob> =>
    requestAPI(`pull${query({ path, wait: INLINE_WAIT })}`, json('POST', { remote }));

  export const mergeState = (path: string): Promise<IMergeState> =>
    requestAPI(`merge${query({ path })}`);

  export const mergeAbort = (path: string): Promise<IJob | IMergeState> =>
    requestAPI(`merge/abort${query({ path, wait: INLINE_WAIT })}`, json('POST', {}));

  export const mergeContinue = (path: string, message?: string): Promise<IJob | IMergeState> =>
    requestAPI(`merge/continue${query({ path, wait: INLINE_WAIT })}`, json('POST', { message }));

  /** Settle one conflict: a side, or (`side` null) the file as `content` gives it or as it is. */
  export const mergeResolve = (
    path: string,
    file: string,
    side: ResolveSide,
    content?: string
  ): Promise<IMergeState> =>
    requestAPI(`merge/resolve${query({ path })}`, json('POST', { path: file, side, content }));

  /** A notebook in conflict as nbdime's merge widget takes it. */
  export const notebookMerge = (path: string, file: string): Promise<INotebookMerge> =>
    requestAPI(`merge/notebook${query({ path, file })}`);
}

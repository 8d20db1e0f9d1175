/**
 * Open editors follow restores. The server emits a "files changed" event (jupyter_server's
 * event bus, schema FILES_CHANGED) whenever a restore, checkout, branch switch or pull wrote
 * files, from any surface: this panel, the CLI or the %mlversion magic. An open document with
 * no unsaved edits is reloaded from disk; for one with edits the user chooses: reload (the
 * edits go) or keep them (they are saved over the restored file and snapshotted at once).
 */
import type { Event } from '@jupyterlab/services';

/** The event's schema id (jupyter_mlversion/server/events/files_changed.v1.json). */
export const FILES_CHANGED = 'https://events.jupyter-mlversion.org/files-changed/v1';

/** What a files-changed event says; paths are relative to the server's root. */
export interface IFilesChanged {
  project: string;
  source: string;
  paths: string[];
  deleted: string[];
  truncated: boolean;
  seq: number;
}

/** The event, when `emission` is one (anything else on the bus gives null). */
export function filesChanged(emission: Event.Emission): IFilesChanged | null {
  if (emission.schema_id !== FILES_CHANGED) {
    return null;
  }
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return {
    project: typeof emission.project === 'string' ? emission.project : '.',
    source: typeof emission.source === 'string' ? emission.source : '',
    paths: strings(emission.paths),
    deleted: strings(emission.deleted),
    truncated: emission.truncated === true,
    seq: typeof emission.seq === 'number' ? emission.seq : 0
  };
}

/** Whether server-relative `path` lies in project folder `project` ('.' is the root). */
export function inProject(path: string, project: string): boolean {
  return project === '.' || project === '' || path === project || path.startsWith(`${project}/`);
}

/** The open documents' paths the event changed (every one in the project when truncated). */
export function touched(event: IFilesChanged, open: string[]): string[] {
  const changed = new Set(event.paths);
  return open.filter(path =>
    event.truncated ? inProject(path, event.project) : changed.has(path)
  );
}

/** The project-relative form of server-relative `path`. */
export function projectRelative(path: string, project: string): string {
  return project === '.' || project === '' ? path : path.slice(project.length + 1);
}

/** An open document as the follower sees it. */
export interface IOpenDocument {
  path: string;
  /** Whether it holds edits not on disk. */
  dirty: boolean;
  /** Load it again from disk (its edits go). */
  reload(): Promise<void>;
  /** Write its content over the file on disk, then reload (it shows the same, clean). */
  keep(): Promise<void>;
}

/** How the follower asks, records and reports. */
export interface IFollowerActions {
  /** The user's choice for a document with edits the restore changed on disk. */
  ask(path: string, event: IFilesChanged): Promise<'reload' | 'keep'>;
  /** Snapshot the kept edits of `path` (server-relative) in `project`. */
  snapshot(path: string, event: IFilesChanged): Promise<void>;
  /** Tell the user about a document whose file a restore deleted. */
  deleted(path: string): void;
}

/** What happened to each open document; for tests and for the caller's refresh. */
export interface IFollowed {
  reloaded: string[];
  kept: string[];
  deleted: string[];
}

/** Bring the open documents in line with one files-changed event. */
export async function follow(
  event: IFilesChanged,
  documents: IOpenDocument[],
  actions: IFollowerActions
): Promise<IFollowed> {
  const done: IFollowed = { reloaded: [], kept: [], deleted: [] };
  const gone = new Set(event.deleted);
  const hit = new Set(
    touched(
      event,
      documents.map(d => d.path)
    )
  );
  for (const doc of documents) {
    if (gone.has(doc.path)) {
      actions.deleted(doc.path);
      done.deleted.push(doc.path);
      continue;
    }
    if (!hit.has(doc.path)) {
      continue;
    }
    if (!doc.dirty) {
      await doc.reload();
      done.reloaded.push(doc.path);
      continue;
    }
    if ((await actions.ask(doc.path, event)) === 'reload') {
      await doc.reload();
      done.reloaded.push(doc.path);
    } else {
      await doc.keep();
      await actions.snapshot(doc.path, event);
      done.kept.push(doc.path);
    }
  }
  return done;
}

/**
 * Wiring of the restore follower (events.ts) into JupyterLab: the event stream, the open
 * document widgets, the dialog and the snapshot of kept edits.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { DocumentWidget } from '@jupyterlab/docregistry';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';

import { API } from './api';
import {
  filesChanged,
  follow,
  IFilesChanged,
  inProject,
  IOpenDocument,
  projectRelative
} from './events';
import { finishJob } from './jobs';
import type { VersionsModel } from './model';

/**
 * What each open notebook's cells held when last loaded or saved. A notebook is "modified" for
 * the follower only when its cells differ from that: JupyterLab also marks a notebook dirty
 * when its kernel fills in metadata, which are no edits of the user's.
 */
const baselines = new WeakMap<object, string>();

function cellsKey(panel: NotebookPanel): string {
  const cells = panel.content.model?.cells;
  const parts: string[][] = [];
  for (let i = 0; cells && i < cells.length; i++) {
    const cell = cells.get(i);
    parts.push([cell.type, cell.sharedModel.getSource()]);
  }
  return JSON.stringify(parts);
}

/** Keep the baseline of every notebook the tracker opens. */
function trackBaselines(tracker: INotebookTracker): void {
  const watch = (panel: NotebookPanel): void => {
    const context = panel.context;
    const mark = (): void => void baselines.set(context, cellsKey(panel));
    void context.ready.then(mark);
    context.fileChanged.connect(mark);
    context.saveState.connect((_, state) => state === 'completed' && mark());
  };
  tracker.forEach(watch);
  tracker.widgetAdded.connect((_, panel) => watch(panel));
}

/** Whether a document holds edits of the user's that are not on disk. */
function edited(widget: DocumentWidget): boolean {
  const baseline = baselines.get(widget.context);
  if (baseline !== undefined && 'content' in widget && widget.context.model.dirty) {
    return cellsKey(widget as unknown as NotebookPanel) !== baseline;
  }
  return widget.context.model.dirty;
}

/** The open documents of the main area, one per file (several views share one context). */
function openDocuments(app: JupyterFrontEnd): IOpenDocument[] {
  const seen = new Map<string, IOpenDocument>();
  for (const widget of app.shell.widgets('main')) {
    if (!(widget instanceof DocumentWidget) || seen.has(widget.context.path)) {
      continue;
    }
    const context = widget.context;
    seen.set(context.path, {
      path: context.path,
      dirty: edited(widget),
      reload: () => context.revert(),
      keep: async () => {
        const notebook = context.contentsModel?.type === 'notebook';
        const model: Partial<Contents.IModel> = notebook
          ? { type: 'notebook', format: 'json', content: context.model.toJSON() }
          : { type: 'file', format: 'text', content: context.model.toString() };
        // Written through the contents API, then reloaded: the editor shows the same content,
        // clean, and its next save does not see a newer file on disk.
        await app.serviceManager.contents.save(context.path, model);
        await context.revert();
      }
    });
  }
  return [...seen.values()];
}

async function ask(path: string, event: IFilesChanged): Promise<'reload' | 'keep'> {
  const answer = await showDialog({
    title: `${path} changed on disk`,
    body:
      `A restore wrote the version of snapshot ${event.source.slice(0, 8)} while this ` +
      'document has unsaved edits. Reload that version (your edits go), or keep your edits ' +
      '(they are saved over it and snapshotted, so the history holds both).',
    buttons: [
      Dialog.cancelButton({ label: 'Keep my edits' }),
      Dialog.warnButton({ label: 'Reload' })
    ]
  });
  return answer.button.accept ? 'reload' : 'keep';
}

async function snapshotKept(path: string, event: IFilesChanged): Promise<void> {
  const name = projectRelative(path, event.project);
  await finishJob(
    API.createSnapshot(path, {
      paths: [name],
      include_notebook: false,
      message: `Keep edits to ${name} over the restore of ${event.source.slice(0, 8)}`
    })
  );
}

/** Follow every files-changed event for as long as the application runs. */
export function followRestores(
  app: JupyterFrontEnd,
  model: VersionsModel,
  tracker: INotebookTracker
): void {
  trackBaselines(tracker);
  let queue: Promise<void> = Promise.resolve();
  app.serviceManager.events.stream.connect((_, emission) => {
    const event = filesChanged(emission);
    if (event === null) {
      return;
    }
    // One event at a time: a second restore waits for the user's answer about the first.
    queue = queue.then(async () => {
      try {
        const done = await follow(event, openDocuments(app), {
          ask,
          snapshot: snapshotKept,
          deleted: path =>
            Notification.warning(`A restore deleted ${path}; its editor shows the old content.`, {
              autoClose: 8000
            })
        });
        // The panel's status and history change too when the panel shows that project.
        if (model.project && (done.kept.length || inProject(model.notebook ?? '', event.project))) {
          await model.refresh();
        }
      } catch (error) {
        Notification.error(`Could not follow the restore: ${String(error)}`, { autoClose: 8000 });
      }
    });
  });
}

/**
 * A notebook diff rendered by nbdime's JupyterLab components.
 *
 * The server sends nbdime's own format (`base` notebook + `diff` entries), which nbdime's
 * model patches and its widgets draw; outputs go through JupyterLab's sanitizing renderers.
 */
import type { CodeEditor } from '@jupyterlab/codeeditor';
import type * as nbformat from '@jupyterlab/nbformat';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Panel, Widget } from '@lumino/widgets';
import type { IDiffEntry } from 'nbdime/lib/diff/diffentries';
import { NotebookDiffModel } from 'nbdime/lib/diff/model';
import { NotebookDiffWidget } from 'nbdime/lib/diff/widget';

import type { IJSONObject } from '../types';
import { h } from './dom';

/** What the notebook renderer needs from the application. */
export interface INotebookDiffContext {
  rendermime: IRenderMimeRegistry;
  editorFactory?: CodeEditor.Factory;
}

/** One line on what changed in the cells, from the server's summary. */
export function cellSummary(detail: IJSONObject): string {
  const summary = (detail.summary ?? {}) as {
    added?: unknown[];
    removed?: unknown[];
    modified?: unknown[];
  };
  const count = (list: unknown[] | undefined): number => list?.length ?? 0;
  return (
    `${count(summary.modified)} cell(s) modified, ${count(summary.added)} added, ` +
    `${count(summary.removed)} removed`
  );
}

/** The nbdime diff widget for a notebook detail, inside a panel with a summary line. */
export function notebookDiff(detail: IJSONObject, context: INotebookDiffContext): Widget {
  const panel = new Panel();
  panel.addClass('jp-mlversion-notebook-diff');
  panel.addWidget(
    new Widget({ node: h('p', { className: 'jp-mlversion-hint' }, cellSummary(detail)) })
  );
  const model = new NotebookDiffModel(
    detail.base as unknown as nbformat.INotebookContent,
    detail.diff as unknown as IDiffEntry[]
  );
  const widget = new NotebookDiffWidget({
    model,
    rendermime: context.rendermime,
    editorFactory: context.editorFactory
  });
  widget.addClass('jp-mlversion-nbdime');
  panel.addWidget(widget);
  // Cells are added asynchronously; a failure shows in place of the diff.
  widget.init().catch((error: unknown) => {
    panel.addWidget(new Widget({ node: h('p', { className: 'jp-mod-error' }, String(error)) }));
  });
  return panel;
}

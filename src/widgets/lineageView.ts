/**
 * The lineage tab: the graph of a file's lineage over a pane that shows what a click opens
 * (a version's file diff against the version before it). Cells open in their notebook.
 */
import { Panel, Widget } from '@lumino/widgets';

import { errorText } from '../model';
import type { VersionsModel } from '../model';
import type { ILineageGraph, ILineageNode } from '../lineage/types';
import type { IFileDiff } from '../types';
import { h, replaceChildren } from './dom';
import { modelDiff, plainDiff, tableDiff } from './filediff';
import { graphSummary, LineageGraphView } from './lineageGraph';
import { INotebookDiffContext, notebookDiff } from './notebookdiff';

/** What the lineage tab needs from the application. */
export interface ILineageContext extends INotebookDiffContext {
  /** Open `notebook` (project-relative) and select its cell `cellId`. */
  openCell(notebook: string, cellId: string): Promise<void>;
  /** Open a project-relative file. */
  openFile(path: string): Promise<void>;
}

/** A file diff (as the REST API returns it) drawn with the panel's renderers. */
export function fileDiffBody(diff: IFileDiff, context: INotebookDiffContext): Widget {
  const note = diff.note ? h('p', { className: 'jp-mlversion-hint' }, diff.note) : null;
  const detail = diff.detail;
  if (detail && diff.kind === 'notebook' && detail.diff) {
    const widget = notebookDiff(detail, context);
    if (note) {
      widget.node.prepend(note);
    }
    return widget;
  }
  let body: HTMLElement;
  if (detail && detail.kind === 'table') {
    body = tableDiff(detail);
  } else if (detail && diff.kind === 'model') {
    body = modelDiff(detail);
  } else {
    body = plainDiff(diff);
  }
  return new Widget({ node: h('div', { className: 'jp-mlversion-file-body' }, note, body) });
}

/** The refs a version's diff compares: the version before it and itself (null for v0). */
export function versionDiffRefs(node: ILineageNode): [string, string] | null {
  if (node.kind !== 'version' || node.version === null || node.version === undefined) {
    return null;
  }
  if (node.version === 0) {
    return null;
  }
  return [`${node.path}@v${node.version - 1}`, `${node.path}@v${node.version}`];
}

/** The id of the lineage tab's content for `file` (one tab per file). */
export function lineageContentId(file: string): string {
  return `jp-mlversion-lineage-${file.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The main-area content showing the lineage of one file. */
export class LineageWidget extends Panel {
  constructor(
    private readonly _model: VersionsModel,
    readonly file: string,
    private readonly _context: ILineageContext
  ) {
    super();
    this.addClass('jp-mlversion-LineageView');
    this.id = lineageContentId(file);
    this.title.label = `Lineage: ${file}`;
    this.title.closable = true;
    this._header = new Widget({ node: h('div', { className: 'jp-mlversion-lineage-header' }) });
    this._scroller = new Panel();
    this._scroller.addClass('jp-mlversion-lineage-scroll');
    this._pane = new Panel();
    this._pane.addClass('jp-mlversion-lineage-pane');
    this.addWidget(this._header);
    this.addWidget(this._scroller);
    this.addWidget(this._pane);
    replaceChildren(this._header.node, h('h2', {}, `Lineage of ${file}`), h('p', {}, 'Loading…'));
  }

  /** The drawing, once loaded. */
  view: LineageGraphView | null = null;

  /** Fetch the graph and draw it, in place of the one shown (if any). */
  async load(): Promise<void> {
    let graph: ILineageGraph;
    try {
      graph = await this._model.lineageGraph(this.file);
    } catch (error) {
      replaceChildren(
        this._header.node,
        h('h2', {}, `Lineage of ${this.file}`),
        h('p', { className: 'jp-mod-error' }, errorText(error))
      );
      return;
    }
    replaceChildren(
      this._header.node,
      h('h2', {}, `Lineage of ${graph.path}`),
      graphSummary(graph),
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        'Data flows left to right. Click a version to see its diff, a cell to open it.'
      )
    );
    // A reload: the old drawing and what a click on it opened go with the old data.
    this.view?.dispose();
    for (const widget of [...this._pane.widgets]) {
      widget.dispose();
    }
    this.view = new LineageGraphView(graph, {
      openCell: node => void this._openCell(node),
      openVersion: node => void this._openVersion(node),
      openFile: node => void this._context.openFile(node.path ?? node.label)
    });
    this._scroller.addWidget(this.view);
  }

  private async _openCell(node: ILineageNode): Promise<void> {
    if (!node.notebook || !node.cell_id) {
      this._show(
        h('p', { className: 'jp-mlversion-hint' }, `Cell ${node.label} ran in no saved notebook.`)
      );
      return;
    }
    await this._context.openCell(node.notebook, node.cell_id);
  }

  private async _openVersion(node: ILineageNode): Promise<void> {
    const refs = versionDiffRefs(node);
    const title = h('h3', { className: 'jp-mlversion-lineage-pane-title' }, node.label);
    if (!refs) {
      this._show(
        title,
        h(
          'p',
          { className: 'jp-mlversion-hint' },
          `${node.label} is the first version: nothing before it to compare.`
        )
      );
      return;
    }
    this._show(title, h('p', {}, 'Loading the diff…'));
    try {
      const diff = await this._model.diffFile(node.path ?? '', refs[0], refs[1]);
      this._show(title, h('p', {}, `${refs[0]} → ${refs[1]}`));
      this._pane.addWidget(fileDiffBody(diff, this._context));
    } catch (error) {
      this._show(title, h('p', { className: 'jp-mod-error' }, errorText(error)));
    }
  }

  /** Replace the pane's content. */
  private _show(...nodes: HTMLElement[]): void {
    for (const widget of [...this._pane.widgets]) {
      widget.dispose();
    }
    this._pane.addWidget(new Widget({ node: h('div', {}, ...nodes) }));
  }

  private _header: Widget;
  private _scroller: Panel;
  private _pane: Panel;
}

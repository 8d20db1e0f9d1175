/**
 * Details of a snapshot, or the diff of two, in the main area: files, metric and parameter
 * deltas, and per-file diffs (notebooks through nbdime, tables and models as tables).
 */
import { Panel, Widget } from '@lumino/widgets';

import { errorText, VersionsModel } from '../model';
import type { IChange, IDiff, IFileDiff, ISnapshotDetail, IValueDelta } from '../types';
import { bytes, h, replaceChildren, show, table, when } from './dom';
import { modelDiff, plainDiff, tableDiff } from './filediff';
import { INotebookDiffContext, notebookDiff } from './notebookdiff';
import { restoreActions, restoreFileButton } from './restorePanel';

/** A metric or parameter delta as a table row. */
export function deltaRow(delta: IValueDelta): string[] {
  const sign = delta.delta !== undefined && delta.delta !== null && delta.delta > 0 ? '+' : '';
  const change =
    delta.delta === undefined || delta.delta === null ? '' : `${sign}${show(delta.delta)}`;
  return [delta.name, show(delta.old), show(delta.new), change];
}

/** The main-area view of one snapshot or of two. */
export class DetailsWidget extends Panel {
  constructor(
    private readonly _model: VersionsModel,
    readonly refs: string[],
    private readonly _context: INotebookDiffContext
  ) {
    super();
    this.addClass('jp-mlversion-Details');
    this.title.label =
      refs.length === 2
        ? `Diff ${refs[0].slice(0, 8)}..${refs[1].slice(0, 8)}`
        : `Snapshot ${refs[0].slice(0, 8)}`;
    this.title.closable = true;
    this._header = new Widget({
      node: h('div', { className: 'jp-mlversion-details-header' }, 'Loading…')
    });
    this.addWidget(this._header);
    void this.load();
  }

  /** Fetch and draw. */
  async load(): Promise<void> {
    try {
      if (this.refs.length === 2) {
        this._drawDiff(await this._model.diff(this.refs[0], this.refs[1]));
      } else {
        this._drawSnapshot(await this._model.details(this.refs[0]));
      }
    } catch (error) {
      replaceChildren(this._header.node, h('p', { className: 'jp-mod-error' }, errorText(error)));
    }
  }

  private _drawSnapshot(detail: ISnapshotDetail): void {
    const s = detail.snapshot;
    const parent = s.parents[0];
    replaceChildren(
      this._header.node,
      h('h2', {}, s.message.split('\n')[0]),
      h(
        'p',
        { className: 'jp-mlversion-row-meta' },
        h('code', {}, s.short_id),
        ` ${s.author} · `,
        h('span', { className: 'jp-mlversion-time' }, when(s.time)),
        ...(s.tags ?? []).map(tag => h('span', { className: 'jp-mlversion-tag' }, tag))
      ),
      s.message.includes('\n') ? h('pre', {}, s.message) : null,
      this._values('Metrics', s.metrics),
      this._values('Parameters', s.params),
      h('h3', {}, 'Files'),
      table(
        ['File', 'Kind', 'Size', 'Id', ''],
        detail.files.map(f => [
          f.path,
          f.kind,
          bytes(f.size),
          h('code', {}, f.id.slice(0, 12)),
          restoreFileButton(this._model, s.id, f.path)
        ])
      ),
      restoreActions(this._model, s.id),
      parent
        ? h(
            'button',
            {
              className: 'jp-mlversion-button',
              onclick: () => void this._diffInto(parent, s.id)
            },
            'Show changes from its parent'
          )
        : null
    );
  }

  private _values(
    title: string,
    values: { [name: string]: unknown } | undefined
  ): HTMLElement | null {
    const entries = Object.entries(values ?? {});
    if (!entries.length) {
      return null;
    }
    return h(
      'div',
      {},
      h('h3', {}, title),
      table(
        ['Name', 'Value'],
        entries.map(([k, v]) => [k, show(v)])
      )
    );
  }

  private async _diffInto(old: string, newRef: string): Promise<void> {
    try {
      this._drawDiff(await this._model.diff(old, newRef));
    } catch {
      // The model reported it.
    }
  }

  private _drawDiff(diff: IDiff): void {
    const deltas = (title: string, list: IValueDelta[]): HTMLElement | null =>
      list.length
        ? h(
            'div',
            {},
            h('h3', {}, title),
            table(['Name', 'Old', 'New', 'Δ'], list.map(deltaRow), 'jp-mlversion-deltas')
          )
        : null;
    replaceChildren(
      this._header.node,
      h('h2', {}, `${diff.old.slice(0, 8)} → ${diff.new.slice(0, 8)}`),
      deltas('Metrics', diff.metrics),
      deltas('Parameters', diff.params),
      h('h3', {}, `Files (${diff.files.length})`),
      diff.files.length ? null : h('p', {}, 'No file changed.')
    );
    for (const change of diff.files) {
      this.addWidget(this._fileSection(change, diff.old, diff.new));
    }
  }

  private _fileSection(change: IChange, old: string, newRef: string): Widget {
    const section = new Panel();
    section.addClass('jp-mlversion-file-section');
    const version = (v: number | null | undefined): string =>
      v === null || v === undefined ? '—' : `v${v}`;
    const button = h(
      'button',
      { className: 'jp-mlversion-button jp-mod-small', 'aria-expanded': 'false' },
      'Show diff'
    );
    const head = h(
      'div',
      { className: `jp-mlversion-file-head jp-mod-${change.status}` },
      h('span', { className: 'jp-mlversion-change-status' }, change.status),
      h('span', { className: 'jp-mlversion-change-path' }, change.path),
      h('span', { className: 'jp-mlversion-kind' }, change.kind ?? ''),
      h('span', {}, `${version(change.old_version)} → ${version(change.new_version)}`),
      button
    );
    section.addWidget(new Widget({ node: head }));
    let body: Widget | null = null;
    button.addEventListener('click', () => {
      if (body) {
        body.dispose();
        body = null;
        button.textContent = 'Show diff';
        button.setAttribute('aria-expanded', 'false');
        return;
      }
      body = new Widget({ node: h('p', {}, 'Loading…') });
      section.addWidget(body);
      button.textContent = 'Hide diff';
      button.setAttribute('aria-expanded', 'true');
      const shown = body;
      this._model.diffFile(change.path, old, newRef).then(
        diff => {
          if (body === shown) {
            shown.dispose();
            body = this._fileBody(diff);
            section.addWidget(body);
          }
        },
        (error: unknown) =>
          replaceChildren(shown.node, h('p', { className: 'jp-mod-error' }, errorText(error)))
      );
    });
    return section;
  }

  private _fileBody(diff: IFileDiff): Widget {
    const note = diff.note ? h('p', { className: 'jp-mlversion-hint' }, diff.note) : null;
    const detail = diff.detail;
    if (detail && diff.kind === 'notebook' && detail.diff) {
      const widget = notebookDiff(detail, this._context);
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

  private _header: Widget;
}

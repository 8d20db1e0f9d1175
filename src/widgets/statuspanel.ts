/**
 * The Status section: what changed since the last snapshot (files, and the notebook's cells),
 * and the form that takes one.
 */
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import {
  describeCells,
  describePendingCell,
  draftMessage,
  parseMetrics,
  parseTags,
  plural,
  summarizeStatus
} from '../status';
import type { IChange, INotebookStatus } from '../types';
import { h, replaceChildren } from './dom';

/** Called before a snapshot so the notebook on disk is the one on screen. */
export type SaveFirst = () => Promise<void>;

/** Status of the working tree and the snapshot form. */
export class StatusPanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _saveFirst: SaveFirst = async () => undefined
  ) {
    super();
    this.addClass('jp-mlversion-StatusPanel');
    this._summary = h('p', { className: 'jp-mlversion-summary', role: 'status' });
    this._changes = h('ul', { className: 'jp-mlversion-changes', 'aria-label': 'Changed files' });
    this._message = h('textarea', {
      className: 'jp-mlversion-input jp-mlversion-message',
      rows: 2,
      'aria-label': 'Snapshot message',
      maxlength: 10000
    });
    this._metrics = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'metrics, e.g. accuracy=0.91, loss=0.3',
      'aria-label': 'Metrics'
    });
    this._tags = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'tags, e.g. baseline',
      'aria-label': 'Tags'
    });
    this._button = h(
      'button',
      { className: 'jp-mlversion-button jp-mod-accept', type: 'submit' },
      'Snapshot'
    );
    this._note = h('p', { className: 'jp-mlversion-note', 'aria-live': 'polite' });
    const form = h(
      'form',
      { className: 'jp-mlversion-form', 'aria-label': 'Take a snapshot' },
      h('label', {}, 'Message', this._message),
      h('label', {}, 'Metrics', this._metrics),
      h('label', {}, 'Tags', this._tags),
      this._button,
      this._note
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.submit();
    });
    // Ctrl/Cmd+Enter in the message submits, as in most commit boxes.
    // Once the user edits the message, status updates no longer replace it with a draft.
    this._message.addEventListener('input', () => {
      this._edited = this._message.value !== this._prefilled;
    });
    this._message.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.submit();
      }
    });
    this.node.append(this._summary, this._changes, form);
    _model.changed.connect((_, part) => {
      if (part === 'status' || part === 'project' || part === 'busy') {
        this.render();
      }
    });
    this.render();
  }

  /** Put the cursor in the message box. */
  focusMessage(): void {
    this._message.focus();
  }

  /** Take a snapshot with what the form holds. */
  async submit(): Promise<void> {
    let metrics: { [name: string]: number };
    let tags: string[];
    try {
      metrics = parseMetrics(this._metrics.value);
      tags = parseTags(this._tags.value);
    } catch (error) {
      this._note.textContent = (error as Error).message;
      this._note.classList.add('jp-mod-error');
      return;
    }
    this._note.classList.remove('jp-mod-error');
    this._note.textContent = 'Saving the notebook…';
    try {
      await this._saveFirst();
      this._note.textContent = 'Taking the snapshot…';
      const outcome = await this._model.takeSnapshot({
        message: this._message.value.trim() || this._draft || undefined,
        metrics: Object.keys(metrics).length ? metrics : undefined,
        tags: tags.length ? tags : undefined
      });
      this._note.textContent = outcome.created
        ? `Snapshot ${outcome.snapshot?.short_id ?? ''} taken.`
        : (outcome.note ?? 'Nothing changed since the last snapshot: none was taken.');
      for (const warning of outcome.warnings ?? []) {
        this._note.textContent += ` ${warning}.`;
      }
      if (outcome.created) {
        // The status was refreshed with the snapshot: its new draft fills the box.
        this._edited = false;
        this._metrics.value = '';
        this._tags.value = '';
        this.render();
      }
    } catch {
      // The model already told the user; the form keeps what they typed.
      this._note.textContent = 'The snapshot failed.';
      this._note.classList.add('jp-mod-error');
    }
  }

  render(): void {
    const model = this._model;
    const status = model.status;
    this._button.disabled = !model.project || model.busy !== '';
    if (!model.project) {
      // Nothing of the previous project's draft may linger for a notebook without one.
      this._message.value = this._prefilled = this._draft = '';
      this._edited = false;
      this._note.textContent = '';
    }
    this.node.classList.toggle('jp-mod-noproject', model.startFolder !== null);
    if (!model.project || !status) {
      this._summary.textContent = model.problem ?? 'Loading…';
      replaceChildren(this._changes);
      this._message.placeholder = '';
      return;
    }
    this._summary.textContent = summarizeStatus(status);
    const notebook = status.notebook ?? null;
    replaceChildren(this._changes, [
      ...status.changes.map(change =>
        this._change(change, notebook?.path === change.path ? notebook : null)
      ),
      ...(status.cells ?? []).map(cell =>
        h(
          'li',
          {
            className: 'jp-mlversion-change jp-mod-lineage',
            'data-cell-id': cell.cell_id,
            title: 'The next snapshot records what this cell read and wrote'
          },
          h('span', { className: 'jp-mlversion-change-status' }, '▶'),
          h('span', { className: 'jp-mlversion-change-path' }, describePendingCell(cell))
        )
      )
    ]);
    // The server's draft fills the box until the user types; an empty box still sends a draft.
    this._draft = status.suggested_message || draftMessage(status.changes);
    if (!this._edited) {
      this._prefilled = status.suggested_message ?? '';
      this._message.value = this._prefilled;
    }
    this._message.placeholder = this._draft || 'What changed, and why';
  }

  private _change(change: IChange, notebook: INotebookStatus | null): HTMLElement {
    return h(
      'li',
      { className: `jp-mlversion-change jp-mod-${change.status}`, title: change.path },
      h('span', { className: 'jp-mlversion-change-status' }, change.status[0].toUpperCase()),
      h('span', { className: 'jp-mlversion-change-path' }, change.path),
      change.kind ? h('span', { className: 'jp-mlversion-kind' }, change.kind) : null,
      notebook?.cells ? this._cells(notebook) : null
    );
  }

  /** The notebook's changed cells, nested under its file. */
  private _cells(notebook: INotebookStatus): HTMLElement {
    const cells = notebook.cells!;
    const lines = describeCells(cells);
    const items = lines.map(line =>
      h(
        'li',
        {
          className: `jp-mlversion-cell-change jp-mod-${line.status}`,
          'data-cell-id': line.id ?? undefined
        },
        line.text
      )
    );
    if (cells.metadata) {
      items.push(h('li', { className: 'jp-mlversion-cell-change' }, 'Notebook metadata changed'));
    }
    if (items.length === 0) {
      items.push(
        h('li', { className: 'jp-mlversion-cell-change' }, 'No cell changed (outputs only)')
      );
    }
    return h(
      'ul',
      {
        className: 'jp-mlversion-cells',
        'aria-label': `Changed cells of ${notebook.path}`,
        title: `${plural(lines.length, 'cell')} changed (${cells.old_cells} → ${cells.new_cells} cells)`
      },
      items
    );
  }

  private _summary: HTMLParagraphElement;
  private _changes: HTMLUListElement;
  private _message: HTMLTextAreaElement;
  private _metrics: HTMLInputElement;
  private _tags: HTMLInputElement;
  private _button: HTMLButtonElement;
  private _note: HTMLParagraphElement;
  /** What an empty message box sends: the server's draft, else one made here. */
  private _draft = '';
  /** The text the box was last filled with, to tell the user's edits from it. */
  private _prefilled = '';
  private _edited = false;
}

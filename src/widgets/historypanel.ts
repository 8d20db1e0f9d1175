/**
 * The History section: a virtualised list of snapshots with a file filter and a search.
 *
 * Only the rows in view (plus a few) exist in the DOM, so 10,000 snapshots scroll as
 * smoothly as 10; rows come from the model's paged HistoryList. The server does the search
 * (`q=`) and the file filter, so neither loads more than the pages in view.
 */
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import { MAX_QUERY } from '../history';
import type { ISnapshot } from '../types';
import { h, replaceChildren, show, when } from './dom';

/** Height of one row in pixels; must match `.jp-mlversion-row` in style/base.css. */
export const ROW_HEIGHT = 56;
/** Rows drawn beyond the visible ones on each side. */
const OVERSCAN = 6;
/** Metrics shown in a row. */
const ROW_METRICS = 3;
/** Quiet time after typing before a search or filter runs. */
const DEBOUNCE_MS = 250;

/** The list of snapshots. */
export class HistoryPanel extends Widget {
  constructor(private readonly _model: VersionsModel) {
    super();
    this.addClass('jp-mlversion-HistoryPanel');
    this._search = h('input', {
      className: 'jp-mlversion-input',
      type: 'search',
      placeholder: 'Search messages, authors, ids, tags',
      maxlength: MAX_QUERY,
      'aria-label': 'Search snapshots'
    });
    this._file = h('input', {
      className: 'jp-mlversion-input',
      type: 'search',
      placeholder: 'Only snapshots changing a file',
      'aria-label': 'Filter by file'
    });
    this._count = h('p', { className: 'jp-mlversion-count', 'aria-live': 'polite' });
    this._spacer = h('div', { className: 'jp-mlversion-spacer' });
    this._scroller = h(
      'div',
      {
        className: 'jp-mlversion-scroller',
        role: 'listbox',
        tabindex: 0,
        'aria-label': 'Snapshots, newest first',
        'aria-multiselectable': 'true'
      },
      this._spacer
    );
    this._filters = h('div', { className: 'jp-mlversion-filters' }, this._search, this._file);
    this.node.append(this._filters, this._count, this._scroller);

    // Each box waits for a pause in typing, so a word costs one request, not one per key.
    const later = (run: () => Promise<void>) => {
      let timer = 0;
      return () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => {
          this._active = 0;
          this._scroller.scrollTop = 0;
          void run().catch(() => undefined);
        }, DEBOUNCE_MS);
      };
    };
    this._search.addEventListener(
      'input',
      later(() => _model.history.search(this._search.value))
    );
    this._file.addEventListener(
      'input',
      later(() => _model.filterByFile(this._file.value))
    );
    this._scroller.addEventListener('scroll', () => this._schedule());
    this._scroller.addEventListener('click', event => this._onClick(event));
    this._scroller.addEventListener('keydown', event => this._onKey(event));
    _model.history.changed.connect(() => this._schedule(), this);
    _model.changed.connect((_, part) => {
      if (part === 'selection' || part === 'project') {
        this._schedule();
      }
    }, this);
  }

  /** The scrolling list element (for focus and tests). */
  get list(): HTMLElement {
    return this._scroller;
  }

  /** Extra drawing on each row once built (the branch lanes), or null. */
  decorateRow: ((row: HTMLElement, index: number, snapshot: ISnapshot) => void) | null = null;

  /** The box of the search and file filter, where other filters join them. */
  get filters(): HTMLElement {
    return this._filters;
  }

  /** Draw the rows again at the next frame (e.g. when their decoration changed). */
  redraw(): void {
    this._schedule();
  }

  /** Focus the list, keeping the active row. */
  focusList(): void {
    this._scroller.focus();
  }

  /** Draw the rows in view now. */
  renderRows(): void {
    this._frame = 0;
    const history = this._model.history;
    const length = history.length;
    this._spacer.style.height = `${length * ROW_HEIGHT}px`;
    this._count.textContent = this._countText();
    const top = this._scroller.scrollTop;
    const height = this._scroller.clientHeight || ROW_HEIGHT * 20;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const selection = this._model.selection;
    const rows: HTMLElement[] = [];
    for (let index = first; index < last; index++) {
      rows.push(this._row(index, history.at(index), selection));
    }
    replaceChildren(this._spacer, rows);
    const active = this._active < length ? `jp-mlversion-row-${this._active}` : '';
    if (active) {
      this._scroller.setAttribute('aria-activedescendant', active);
    } else {
      this._scroller.removeAttribute('aria-activedescendant');
    }
  }

  protected onAfterShow(): void {
    this._schedule();
  }

  protected onResize(): void {
    this._schedule();
  }

  private _countText(): string {
    const history = this._model.history;
    if (!this._model.project) {
      return '';
    }
    if (!history.ready) {
      return 'Loading…';
    }
    const filtered = this._model.fileFilter ? ` changing ${this._model.fileFilter}` : '';
    const count = `${history.total} snapshot${history.total === 1 ? '' : 's'}${filtered}`;
    return history.query ? `${count} matching “${history.query}”` : count;
  }

  private _row(index: number, snapshot: ISnapshot | undefined, selection: string[]): HTMLElement {
    const style = `top:${index * ROW_HEIGHT}px`;
    const id = `jp-mlversion-row-${index}`;
    if (!snapshot) {
      return h('div', { className: 'jp-mlversion-row jp-mod-loading', style, id }, '…');
    }
    const selected = selection.includes(snapshot.id);
    const metrics = Object.entries(snapshot.metrics ?? {}).slice(0, ROW_METRICS);
    const classes = ['jp-mlversion-row'];
    if (selected) {
      classes.push('jp-mod-selected');
    }
    if (index === this._active) {
      classes.push('jp-mod-active');
    }
    const row = h(
      'div',
      {
        className: classes.join(' '),
        style,
        id,
        role: 'option',
        'aria-selected': selected ? 'true' : 'false',
        'data-index': index,
        'data-id': snapshot.id
      },
      h(
        'div',
        { className: 'jp-mlversion-row-line' },
        h('code', { className: 'jp-mlversion-id' }, snapshot.short_id),
        h('span', { className: 'jp-mlversion-row-message' }, snapshot.message.split('\n')[0]),
        ...(snapshot.tags ?? []).map(tag => h('span', { className: 'jp-mlversion-tag' }, tag))
      ),
      h(
        'div',
        { className: 'jp-mlversion-row-line jp-mlversion-row-meta' },
        h('span', { className: 'jp-mlversion-author' }, snapshot.author),
        h('span', { className: 'jp-mlversion-time' }, when(snapshot.time)),
        ...metrics.map(([name, value]) =>
          h('span', { className: 'jp-mlversion-metric' }, `${name} ${show(value)}`)
        )
      )
    );
    this.decorateRow?.(row, index, snapshot);
    return row;
  }

  private _schedule(): void {
    if (!this._frame) {
      this._frame = requestAnimationFrame(() => this.renderRows());
    }
  }

  private _onClick(event: MouseEvent): void {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.jp-mlversion-row');
    if (!row?.dataset.id) {
      return;
    }
    this._active = Number(row.dataset.index);
    this._model.select(row.dataset.id, event.ctrlKey || event.metaKey || event.shiftKey);
  }

  private _onKey(event: KeyboardEvent): void {
    const length = this._model.history.length;
    const page = Math.max(1, Math.floor(this._scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: { [key: string]: number } = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -length,
      End: length
    };
    if (event.key in moves) {
      event.preventDefault();
      this._active = Math.min(length - 1, Math.max(0, this._active + moves[event.key]));
      this._reveal(this._active);
      const snapshot = this._model.history.at(this._active);
      if (snapshot && !event.shiftKey) {
        this._model.select(snapshot.id);
      }
      this._schedule();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const snapshot = this._model.history.at(this._active);
      if (snapshot) {
        this._model.select(snapshot.id, event.shiftKey || event.ctrlKey);
      }
    }
  }

  private _reveal(index: number): void {
    const top = index * ROW_HEIGHT;
    const view = this._scroller;
    if (top < view.scrollTop) {
      view.scrollTop = top;
    } else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    }
  }

  private _filters: HTMLDivElement;
  private _search: HTMLInputElement;
  private _file: HTMLInputElement;
  private _count: HTMLParagraphElement;
  private _scroller: HTMLDivElement;
  private _spacer: HTMLDivElement;
  private _active = 0;
  private _frame = 0;
}

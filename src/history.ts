/**
 * The snapshot history as the sidebar scrolls it: pages fetched on demand, searched on the server.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { ISnapshot, ISnapshotPage } from './types';

/** Fetches one page of the history, newest first; `query` ('' = none) is the server's `q=`. */
export type PageLoader = (offset: number, limit: number, query: string) => Promise<ISnapshotPage>;

/** Longest search the server accepts (`q` in openapi.json). */
export const MAX_QUERY = 200;

/** A search box's text as sent to the server: trimmed and cut to what the server accepts. */
export function normalizeQuery(text: string): string {
  return text.trim().slice(0, MAX_QUERY).trim();
}

/**
 * A sparse list of snapshots: rows are fetched a page at a time when first asked for, so a
 * list of 10,000 costs one small request per screenful. A search is a query to the server
 * (message, author, id prefix, tag) whose matches are paged the same way.
 */
export class HistoryList {
  constructor(
    private readonly _load: PageLoader,
    readonly pageSize = 200
  ) {}

  /** Emitted when rows arrive or the length changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Rows to show: the snapshots matching the search (all when there is none). */
  get length(): number {
    return this._total;
  }

  /** Snapshots in the (file-filtered and searched) history, as the server counts them. */
  get total(): number {
    return this._total;
  }

  /** The search in force ('' = none). */
  get query(): string {
    return this._query;
  }

  /** Whether the first page of the current list has arrived. */
  get ready(): boolean {
    return this._ready;
  }

  /** The row at a position, or undefined while its page loads (the load starts here). */
  at(index: number): ISnapshot | undefined {
    if (index < 0 || index >= this._total) {
      return undefined;
    }
    const row = this._rows[index];
    if (row === undefined) {
      // The loader reports its own failures; a row that failed stays a placeholder.
      this._page(Math.floor(index / this.pageSize)).catch(() => undefined);
    }
    return row;
  }

  /** The row at a position if its page has arrived; unlike `at`, never starts a load. */
  peek(index: number): ISnapshot | undefined {
    return this._rows[index];
  }

  /** The position of a snapshot id among the rows loaded, or -1. */
  indexOf(id: string): number {
    return this._rows.findIndex(s => s !== undefined && s.id === id);
  }

  /** Forget every row without fetching (the notebook has no project any more). */
  clear(): void {
    this._generation++;
    this._rows = [];
    this._pending.clear();
    this._total = 0;
    this._ready = false;
    this._changed.emit();
  }

  /** Fetch the first page (again), forgetting everything loaded. */
  async reset(): Promise<void> {
    this._generation++;
    const generation = this._generation;
    this._rows = [];
    this._pending.clear();
    this._total = 0;
    this._ready = false;
    await this._page(0);
    if (generation === this._generation) {
      this._ready = true;
      this._changed.emit();
    }
  }

  /**
   * Show only the snapshots matching `text` (all when empty): the server filters, and the
   * matches are paged like the whole history. An answer to an older search is dropped.
   */
  async search(text: string): Promise<void> {
    const query = normalizeQuery(text);
    if (query === this._query) {
      return;
    }
    this._query = query;
    await this.reset();
  }

  private _page(page: number): Promise<void> {
    const pending = this._pending.get(page);
    if (pending) {
      return pending;
    }
    const generation = this._generation;
    const offset = page * this.pageSize;
    const done = this._load(offset, this.pageSize, this._query).then(result => {
      if (generation !== this._generation) {
        return;
      }
      this._total = result.total;
      result.items.forEach((item, k) => (this._rows[offset + k] = item));
      this._changed.emit();
    });
    this._pending.set(page, done);
    // A failed page may be asked for again later.
    done.catch(() => {
      if (this._pending.get(page) === done) {
        this._pending.delete(page);
      }
    });
    return done;
  }

  private _rows: (ISnapshot | undefined)[] = [];
  private _pending = new Map<number, Promise<void>>();
  private _total = 0;
  private _ready = false;
  private _query = '';
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}

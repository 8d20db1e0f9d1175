/**
 * The snapshot history as the sidebar scrolls it: pages fetched on demand, searched locally.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { ISnapshot, ISnapshotPage } from './types';

/** Fetches one page of the history, newest first. */
export type PageLoader = (offset: number, limit: number) => Promise<ISnapshotPage>;

/** Whether a snapshot matches a search: words all found in its id, message, author, tags or metrics. */
export function matches(snapshot: ISnapshot, words: string[]): boolean {
  if (words.length === 0) {
    return true;
  }
  const text = [
    snapshot.id,
    snapshot.message,
    snapshot.author,
    ...(snapshot.tags ?? []),
    ...Object.keys(snapshot.metrics ?? {})
  ]
    .join('\n')
    .toLowerCase();
  return words.every(word => text.includes(word));
}

/** The words of a search box, lower-cased. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * A sparse list of snapshots: rows are fetched a page at a time when first asked for, so a
 * list of 10,000 costs one small request per screenful. A search loads every page once and
 * keeps the indices of the matches.
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

  /** Rows to show: all snapshots, or the matches of the search. */
  get length(): number {
    return this._matches ? this._matches.length : this._total;
  }

  /** Snapshots in the (possibly file-filtered) history, before the search. */
  get total(): number {
    return this._total;
  }

  /** Whether the first page has arrived. */
  get ready(): boolean {
    return this._ready;
  }

  /** The row at a position, or undefined while its page loads (the load starts here). */
  at(index: number): ISnapshot | undefined {
    const real = this._matches ? this._matches[index] : index;
    if (real === undefined) {
      return undefined;
    }
    const row = this._rows[real];
    if (row === undefined) {
      // The loader reports its own failures; a row that failed stays a placeholder.
      this._page(Math.floor(real / this.pageSize)).catch(() => undefined);
    }
    return row;
  }

  /** The position of a snapshot id among the rows shown, or -1. */
  indexOf(id: string): number {
    const real = this._rows.findIndex(s => s !== undefined && s.id === id);
    if (real < 0 || !this._matches) {
      return real;
    }
    return this._matches.indexOf(real);
  }

  /** Fetch the first page (again), forgetting everything loaded. */
  async reset(): Promise<void> {
    this._generation++;
    this._rows = [];
    this._pending.clear();
    this._total = 0;
    this._ready = false;
    this._matches = null;
    await this._page(0);
    if (this._words.length) {
      await this.search(this._words.join(' '));
    }
    this._ready = true;
    this._changed.emit();
  }

  /** Show only the snapshots matching `text` (all when empty); loads the whole history once. */
  async search(text: string): Promise<void> {
    this._words = searchWords(text);
    if (this._words.length === 0) {
      this._matches = null;
      this._changed.emit();
      return;
    }
    const generation = this._generation;
    const pages = Math.ceil(this._total / this.pageSize);
    // Sequential, so a search never floods the server; pages already held cost nothing.
    for (let page = 0; page < pages; page++) {
      await this._page(page);
    }
    if (generation !== this._generation) {
      return;
    }
    const words = this._words;
    const found: number[] = [];
    this._rows.forEach((row, index) => {
      if (row !== undefined && matches(row, words)) {
        found.push(index);
      }
    });
    this._matches = found;
    this._changed.emit();
  }

  private _page(page: number): Promise<void> {
    const pending = this._pending.get(page);
    if (pending) {
      return pending;
    }
    const generation = this._generation;
    const offset = page * this.pageSize;
    const done = this._load(offset, this.pageSize).then(result => {
      if (generation !== this._generation) {
        return;
      }
      this._total = result.total;
      result.items.forEach((item, k) => (this._rows[offset + k] = item));
      this._changed.emit();
    });
    this._pending.set(page, done);
    // A failed page may be asked for again later.
    done.catch(() => this._pending.delete(page));
    return done;
  }

  private _rows: (ISnapshot | undefined)[] = [];
  private _pending = new Map<number, Promise<void>>();
  private _total = 0;
  private _ready = false;
  private _matches: number[] | null = null;
  private _words: string[] = [];
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}

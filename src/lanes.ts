/**
 * Branch lanes of the history: where each snapshot's dot sits and which lines pass it.
 *
 * The history comes newest first, a page at a time; the layout walks it in that order keeping
 * the snapshot each column waits for (a parent of a row above), so extending it by a page costs
 * only that page. Lines converge where two lanes wait for the same snapshot (a fork point)
 * and a snapshot with two parents opens a second line (a merge point).
 */

/** The two fields of a snapshot the layout reads. */
export interface ILaneInput {
  id: string;
  parents?: string[];
}

/** How one row is drawn. */
export interface ILaneRow {
  /** The column of the snapshot's dot. */
  lane: number;
  /** Whether a line comes into the dot from above (a child on the same lane). */
  fromTop: boolean;
  /** Other columns whose lines come from above and end at the dot (children on other lanes). */
  into: number[];
  /** Columns whose lines pass the row without touching the dot. */
  through: number[];
  /** Columns the dot's parents continue in: its own lane first, then merged ones. */
  out: number[];
  /** Columns in use at this row. */
  width: number;
  /** More than one parent. */
  merge: boolean;
}

/** The first free column (trailing free ones are dropped first, so lanes stay narrow). */
function freeColumn(active: (string | null)[], taken: number): number {
  while (active.length && active[active.length - 1] === null && active.length - 1 !== taken) {
    active.pop();
  }
  const index = active.findIndex((id, k) => id === null && k !== taken);
  return index >= 0 ? index : active.length;
}

/** The lane layout of a history read from the top, extended as pages arrive. */
export class LaneLayout {
  /** Rows laid out so far, from the top of the list. */
  get length(): number {
    return this._rows.length;
  }

  /** The layout of row `index`, or undefined if rows above it have not been laid out. */
  at(index: number): ILaneRow | undefined {
    return this._rows[index];
  }

  /** The widest row laid out (columns). */
  get width(): number {
    return this._width;
  }

  /** Forget everything (the list changed). */
  reset(): void {
    this._rows = [];
    this._active = [];
    this._width = 0;
  }

  /**
   * Lay out the rows after those done, while `row(index)` gives one (stops at the first gap,
   * since a row's place depends on every row above it) and up to `end`.
   */
  extend(row: (index: number) => ILaneInput | undefined, end: number): void {
    for (let index = this._rows.length; index < end; index++) {
      const snapshot = row(index);
      if (!snapshot) {
        return;
      }
      this._rows.push(this._place(snapshot));
    }
  }

  private _place(snapshot: ILaneInput): ILaneRow {
    const active = this._active;
    const parents = snapshot.parents ?? [];
    let lane = active.indexOf(snapshot.id);
    const fromTop = lane >= 0;
    if (!fromTop) {
      lane = freeColumn(active, -1);
    }
    // Every other column waiting for this snapshot ends here.
    const into: number[] = [];
    active.forEach((id, k) => {
      if (k !== lane && id === snapshot.id) {
        into.push(k);
        active[k] = null;
      }
    });
    const through: number[] = [];
    active.forEach((id, k) => {
      if (k !== lane && id !== null) {
        through.push(k);
      }
    });
    active[lane] = parents[0] ?? null;
    const out = parents.length ? [lane] : [];
    for (const parent of parents.slice(1)) {
      const waiting = active.indexOf(parent);
      if (waiting >= 0 && waiting !== lane) {
        out.push(waiting);
      } else if (waiting < 0) {
        const column = freeColumn(active, lane);
        active[column] = parent;
        out.push(column);
      }
    }
    const width = Math.max(lane, ...into, ...through, ...out) + 1;
    this._width = Math.max(this._width, width);
    return { lane, fromTop, into, through, out, width, merge: parents.length > 1 };
  }

  private _rows: ILaneRow[] = [];
  private _active: (string | null)[] = [];
  private _width = 0;
}

/**
 * Branch lanes in the History section: a graph column on each row (which line a snapshot is
 * on, where lines fork and merge), the branch names at their heads, and a filter by branch.
 *
 * Drawn only when there is more than one line to tell apart: a project with one branch and no
 * merge keeps the plain list.
 */
import type { BranchesModel } from '../branchmodel';
import type { ILaneRow } from '../lanes';
import { LaneLayout } from '../lanes';
import type { VersionsModel } from '../model';
import type { ISnapshot } from '../types';
import { h, replaceChildren } from './dom';
import { HistoryPanel, ROW_HEIGHT } from './historypanel';

/** Width of one lane in pixels. */
export const LANE_WIDTH = 12;
/** Height of the dot's centre in a row: the middle of its first line of text. */
const DOT_Y = 16;
/** Lane colours cycle through this many classes (`jp-mod-lane-N` in style/branches.css). */
const LANE_COLOURS = 6;

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: { [name: string]: string | number }): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, String(value));
  }
  return node;
}

const x = (lane: number): number => lane * LANE_WIDTH + LANE_WIDTH / 2;
const colour = (lane: number): string => `jp-mod-lane-${lane % LANE_COLOURS}`;

/** The graph cell of one row: lines through, into and out of the dot, and the dot. */
export function laneGraphic(row: ILaneRow, width: number): SVGElement {
  const root = svg('svg', {
    class: 'jp-mlversion-lanes',
    width: width * LANE_WIDTH,
    height: ROW_HEIGHT,
    'aria-hidden': 'true'
  });
  const line = (lane: number, x1: number, y1: number, x2: number, y2: number): void => {
    root.appendChild(svg('path', { d: `M${x1} ${y1} L${x2} ${y2}`, class: colour(lane) }));
  };
  for (const lane of row.through) {
    line(lane, x(lane), 0, x(lane), ROW_HEIGHT);
  }
  if (row.fromTop) {
    line(row.lane, x(row.lane), 0, x(row.lane), DOT_Y);
  }
  for (const lane of row.into) {
    line(lane, x(lane), 0, x(row.lane), DOT_Y);
  }
  for (const lane of row.out) {
    line(lane, x(row.lane), DOT_Y, x(lane), ROW_HEIGHT);
  }
  const dot = svg('circle', {
    cx: x(row.lane),
    cy: DOT_Y,
    r: row.merge ? 4.5 : 3.5,
    class: `jp-mlversion-dot ${colour(row.lane)}${row.merge ? ' jp-mod-merge' : ''}`
  });
  root.appendChild(dot);
  return root;
}

/** The lanes and the branch filter of one History section. */
export class HistoryLanes {
  constructor(
    private readonly _panel: HistoryPanel,
    private readonly _model: VersionsModel,
    private readonly _branches: BranchesModel
  ) {
    this._select = h('select', {
      className: 'jp-mlversion-input jp-mlversion-branch-filter',
      'aria-label': 'Show snapshots of branch'
    });
    this._select.addEventListener('change', () => {
      this._chosen = true;
      void this._model.filterByBranch(this._select.value);
    });
    this._panel.filters.append(this._select);
    this._panel.decorateRow = (row, index, snapshot) => this._decorate(row, index, snapshot);
    _branches.changed.connect((_, part) => {
      if (part === 'branches') {
        this._fillSelect();
        this._panel.redraw();
      }
    }, this);
    this._fillSelect();
  }

  /** Whether lanes are drawn now: the whole history of more than one line is listed. */
  get shown(): boolean {
    const history = this._model.history;
    const whole = !this._model.fileFilter && !history.query;
    return whole && (this._branches.branches.length > 1 || this._layout.hasMerge);
  }

  private _decorate(row: HTMLElement, index: number, snapshot: ISnapshot): void {
    const heads = this._branches.branches.length > 1 ? this._branches.headsAt(snapshot.id) : [];
    if (heads.length) {
      const line = row.querySelector('.jp-mlversion-row-line');
      const id = line?.querySelector('.jp-mlversion-id');
      const chips = heads.map(name =>
        h(
          'span',
          {
            className: `jp-mlversion-branch${name === this._branches.current ? ' jp-mod-current' : ''}`,
            title: `Head of branch ${name}`
          },
          name
        )
      );
      id?.after(...chips);
    }
    if ((snapshot.parents ?? []).length > 1) {
      row.classList.add('jp-mod-merge');
      row.setAttribute('aria-description', 'merge point');
    }
    this._layout.follow(this._model.history, index);
    const lane = this._layout.at(index);
    if (!lane || !this.shown) {
      return;
    }
    const width = Math.max(this._layout.width, 1);
    row.classList.add('jp-mod-lanes');
    row.style.paddingLeft = `${width * LANE_WIDTH + 8}px`;
    row.prepend(laneGraphic(lane, width));
  }

  private _fillSelect(): void {
    const branches = this._branches.branches;
    // One branch: nothing to filter by.
    this._select.hidden = branches.length < 2;
    const current = this._branches.current;
    const options = [
      h('option', { value: '*' }, 'All branches'),
      h('option', { value: '' }, current ? `Current branch (${current})` : 'Current branch'),
      ...branches.map(branch => h('option', { value: branch.name }, branch.name))
    ];
    replaceChildren(this._select, options);
    // With a second branch, show every line until the user picks one.
    if (!this._chosen && branches.length > 1 && this._model.branchFilter !== '*') {
      void this._model.filterByBranch('*');
    }
    const filter = this._model.branchFilter;
    const known = filter === '' || filter === '*' || branches.some(b => b.name === filter);
    if (!known) {
      // The branch filtered by is gone.
      void this._model.filterByBranch('');
    }
    this._select.value = known ? filter : '';
  }

  private _select: HTMLSelectElement;
  private _chosen = false;
  private _layout = new FollowingLayout();
}

/** A LaneLayout that restarts when the list it follows was replaced. */
class FollowingLayout extends LaneLayout {
  /** Whether a laid-out row has two parents. */
  get hasMerge(): boolean {
    return this._merges > 0;
  }

  /** Lay out the loaded rows down to `index`, starting over if the list changed above it. */
  follow(history: { peek(index: number): ISnapshot | undefined }, index: number): void {
    const laid = this._ids[index];
    const row = history.peek(index);
    if (laid !== undefined && row !== undefined && laid !== row.id) {
      this.reset();
    } else if (this._ids.length && history.peek(0)?.id !== this._ids[0]) {
      this.reset();
    }
    this.extend(k => {
      const snapshot = history.peek(k);
      if (snapshot) {
        this._ids[k] = snapshot.id;
        if ((snapshot.parents ?? []).length > 1) {
          this._merges++;
        }
      }
      return snapshot;
    }, index + 1);
  }

  reset(): void {
    super.reset();
    this._ids = [];
    this._merges = 0;
  }

  private _ids: string[] = [];
  private _merges = 0;
}

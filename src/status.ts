/**
 * How the sidebar words the project status and drafts a snapshot message.
 */
import type { IChange, ICellChanges, IPendingCell, IStatus } from './types';

export type { IChange, IStatus } from './types';

/** Length of a snapshot id as shown to people (like a short git hash). */
export const SHORT_ID_LENGTH = 8;

/** One sentence about the project's state, e.g. "2 changes since a1b2c3d4 (14 tracked files)". */
export function summarizeStatus(status: IStatus): string {
  const files = plural(status.tracked, 'tracked file');
  if (status.head === null) {
    return status.changes.length === 0
      ? 'No snapshot yet and nothing to track.'
      : `No snapshot yet: ${plural(status.changes.length, 'file')} to snapshot.`;
  }
  const head = status.head.slice(0, SHORT_ID_LENGTH);
  if (status.clean) {
    return `Up to date with ${head} (${files}).`;
  }
  const parts: string[] = [];
  if (status.changes.length) {
    parts.push(plural(status.changes.length, 'change'));
  }
  const cells = status.cells?.length ?? 0;
  if (cells) {
    parts.push(`${plural(cells, 'cell')} run`);
  }
  const values = Object.keys(status.metrics ?? {}).length + Object.keys(status.params ?? {}).length;
  if (values) {
    parts.push(`${plural(values, 'logged value')}`);
  }
  return `${parts.join(', ') || 'Changes'} since ${head} (${files}).`;
}

/** One line per cell run since the last snapshot, e.g. "Cell load read data/a.csv". */
export function describePendingCell(cell: IPendingCell): string {
  const parts: string[] = [];
  if (cell.reads.length) {
    parts.push(`read ${cell.reads.join(', ')}`);
  }
  if (cell.writes.length) {
    parts.push(`wrote ${cell.writes.join(', ')}`);
  }
  return `Cell ${cell.cell_id} ${parts.join('; ') || 'touched no file'}`;
}

/** One changed cell as the sidebar lists it; `index` is its place in the notebook (0-based). */
export interface ICellLine {
  status: 'added' | 'removed' | 'modified';
  index: number;
  id: string | null;
  text: string;
}

/**
 * The changed cells of a notebook in notebook order, e.g. "Cell 3 (code): source changed".
 * Added and modified cells are numbered as they are now, removed ones as they were.
 */
export function describeCells(cells: ICellChanges): ICellLine[] {
  const lines: ICellLine[] = [
    ...cells.added.map(c => ({
      status: 'added' as const,
      index: c.index,
      id: c.id,
      text: `Cell ${c.index + 1} (${c.cell_type}) added`
    })),
    ...cells.modified.map(c => ({
      status: 'modified' as const,
      index: c.new_index,
      id: c.id,
      text: `Cell ${c.new_index + 1} (${c.cell_type}): ${c.parts.join(', ') || 'content'} changed`
    })),
    ...cells.removed.map(c => ({
      status: 'removed' as const,
      index: c.index,
      id: c.id,
      text: `Cell ${c.index + 1} (${c.cell_type}) removed`
    }))
  ];
  return lines.sort((a, b) => a.index - b.index || a.status.localeCompare(b.status));
}

/** "1 file", "2 files". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const VERBS: { [status in IChange['status']]: string } = {
  added: 'Add',
  modified: 'Update',
  removed: 'Remove'
};

/** A message saying what changed: "Update data/a.csv, train.ipynb; add models/m.pkl". */
export function draftMessage(changes: IChange[], maxNames = 3): string {
  if (changes.length === 0) {
    return '';
  }
  const groups: string[] = [];
  for (const status of ['modified', 'added', 'removed'] as IChange['status'][]) {
    const paths = changes.filter(c => c.status === status).map(c => c.path);
    if (paths.length === 0) {
      continue;
    }
    const shown = paths.slice(0, maxNames).join(', ');
    const more = paths.length > maxNames ? ` and ${paths.length - maxNames} more` : '';
    const verb = groups.length === 0 ? VERBS[status] : VERBS[status].toLowerCase();
    groups.push(`${verb} ${shown}${more}`);
  }
  return groups.join('; ');
}

/**
 * Metrics typed as "accuracy=0.91, loss 0.3" (commas or new lines between, '=' ':' or space
 * inside). Throws with the offending piece when a value is not a number.
 */
export function parseMetrics(text: string): { [name: string]: number } {
  const metrics: { [name: string]: number } = {};
  for (const piece of text.split(/[,\n;]/)) {
    const trimmed = piece.trim();
    if (!trimmed) {
      continue;
    }
    const match = /^([^=:\s]+)\s*[=:\s]\s*(\S+)$/.exec(trimmed);
    const value = match ? Number(match[2]) : NaN;
    if (!match || !Number.isFinite(value)) {
      throw new Error(`'${trimmed}' is not a metric: write name=number, e.g. accuracy=0.91`);
    }
    metrics[match[1]] = value;
  }
  return metrics;
}

/** Names of tags are like git's: letters, digits, '.', '_' and '-'. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Tags typed with spaces or commas between; throws naming a bad one. */
export function parseTags(text: string): string[] {
  const tags = text.split(/[\s,]+/).filter(Boolean);
  for (const tag of tags) {
    if (!NAME_PATTERN.test(tag)) {
      throw new Error(
        `'${tag}' cannot be a tag: use letters, digits, '.', '_' or '-', starting with a letter or digit`
      );
    }
  }
  return tags;
}

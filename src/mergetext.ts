/**
 * Words for branches and merges: what the panel and its dialogs say, kept apart from the DOM.
 */
import type {
  IBranch,
  IMergeCell,
  IMergeFile,
  IMergePreview,
  IMergeResult,
  IMergeRow,
  MergeOutcome
} from './branchtypes';
import { plural } from './status';
import { show } from './widgets/dom';
import type { IJSONObject } from './types';

/** The two sides of a merge, by the names a user knows them by. */
export interface ISides {
  /** The current branch, the one merged into. */
  ours: string;
  /** The branch merged from. */
  theirs: string;
}

/** "2 ahead, 1 behind main" for a branch; '' when it is level (or the counts are unknown). */
export function aheadBehind(branch: IBranch, base = 'main'): string {
  const parts: string[] = [];
  if (branch.ahead) {
    parts.push(`${branch.ahead} ahead`);
  }
  if (branch.behind) {
    parts.push(`${branch.behind} behind`);
  }
  return parts.length ? `${parts.join(', ')} of ${base}` : '';
}

/** What happens to one path, in words naming the branches. */
export function outcomeText(outcome: MergeOutcome | undefined, sides: ISides): string {
  switch (outcome) {
    case 'ours':
      return `kept from ${sides.ours}`;
    case 'theirs':
      return `taken from ${sides.theirs}`;
    case 'merged':
      return 'merged';
    case 'conflict':
      return 'conflict';
    default:
      return '';
  }
}

/** Count a list of cells or rows by outcome, or read a server's counts object. */
export function countParts(value: unknown): { [outcome: string]: number } {
  const counts: { [outcome: string]: number } = {};
  if (Array.isArray(value)) {
    for (const part of value) {
      const outcome =
        part !== null && typeof part === 'object' && 'outcome' in part
          ? String((part as { outcome: unknown }).outcome)
          : 'changed';
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, count] of Object.entries(value as IJSONObject)) {
      if (typeof count === 'number') {
        counts[name] = count;
      } else if (Array.isArray(count)) {
        counts[name] = count.length;
      }
    }
  }
  return counts;
}

/** Outcome words for parts of a file: "ours" is "from main", etc. */
function partWord(outcome: string, sides: ISides): string {
  const words: { [outcome: string]: string } = {
    ours: `from ${sides.ours}`,
    theirs: `from ${sides.theirs}`,
    merged: 'merged',
    conflict: 'in conflict',
    conflicts: 'in conflict',
    added: 'added',
    removed: 'removed',
    deleted: 'removed',
    changed: 'changed',
    modified: 'changed'
  };
  return words[outcome] ?? outcome.replace(/_/g, ' ');
}

/** "2 cells from feature, 1 cell in conflict" for a notebook; "" when nothing is known. */
export function partsText(value: unknown, noun: 'cell' | 'row', sides: ISides): string {
  const counts = countParts(value);
  const entries = Object.entries(counts).filter(([, count]) => count > 0);
  return entries
    .map(([outcome, count], k) =>
      k === 0
        ? `${plural(count, noun)} ${partWord(outcome, sides)}`
        : `${count} ${partWord(outcome, sides)}`
    )
    .join(', ');
}

/** A row's key as typed on the command line: `id=3`, `region=west, day=2`. */
export function keyText(key: unknown): string {
  if (key !== null && typeof key === 'object' && !Array.isArray(key)) {
    return Object.entries(key as IJSONObject)
      .map(([name, value]) => `${name}=${show(value)}`)
      .join(', ');
  }
  return show(key);
}

/** "cell 2 (load): source" for a conflicting cell as the server lists it. */
export function cellText(cell: IMergeCell): string {
  if (typeof cell.index !== 'number') {
    // Not one cell: the notebook's metadata, or cells added or removed on both sides.
    return cell.where && cell.where !== 'cell' ? cell.where : 'outside the cells';
  }
  const id = cell.id ? ` (${cell.id})` : '';
  return `cell ${cell.index + 1}${id}${cell.where ? `: ${cell.where}` : ''}`;
}

/** Up to `shown` items in words, then how many more. */
function some<T>(items: T[], words: (item: T) => string, shown = 3): string {
  const listed = items.slice(0, shown).map(words).join('; ');
  return items.length > shown ? `${listed}; ${items.length - shown} more` : listed;
}

/** Whether a list of cells or rows names each one's outcome (else it lists conflicts). */
function hasOutcomes(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.some(part => part && typeof part === 'object' && 'outcome' in part)
  );
}

/** Everything known about one file of a merge, in one line. */
export function fileText(file: IMergeFile, sides: ISides): string {
  const parts: string[] = [];
  if (typeof file.detail === 'string') {
    parts.push(file.detail);
  } else if (file.detail && typeof file.detail === 'object') {
    const message = (file.detail as IJSONObject).message ?? (file.detail as IJSONObject).reason;
    if (typeof message === 'string') {
      parts.push(message);
    }
  }
  if (Array.isArray(file.cells) && file.cells.length && !hasOutcomes(file.cells)) {
    parts.push(some(file.cells as IMergeCell[], cellText));
  } else {
    parts.push(partsText(file.cells, 'cell', sides));
  }
  if (Array.isArray(file.rows) && file.rows.length && !hasOutcomes(file.rows)) {
    parts.push(some(file.rows as IMergeRow[], row => keyText(row.key)));
  } else {
    parts.push(partsText(file.rows, 'row', sides));
  }
  return parts.filter(Boolean).join('; ');
}

/** The conflicting files of a preview or a result. */
export function conflictsOf(files: IMergeFile[] | undefined): IMergeFile[] {
  return (files ?? []).filter(file => file.outcome === 'conflict' || file.outcome === undefined);
}

/** One sentence on what a preview says the merge will do. */
export function previewSummary(preview: IMergePreview, sides: ISides): string {
  if (preview.up_to_date) {
    return `${sides.ours} already has every snapshot of ${sides.theirs}: nothing to merge.`;
  }
  if (preview.fast_forward) {
    return `${sides.ours} has no snapshot of its own since ${sides.theirs} left it: it moves forward to ${sides.theirs}'s head (no merge snapshot).`;
  }
  const conflicts = preview.files.filter(file => file.outcome === 'conflict').length;
  const files = plural(preview.files.length, 'file');
  if (conflicts === 0) {
    return `${files} change; everything merges cleanly into one snapshot with two parents.`;
  }
  return `${files} change; ${plural(conflicts, 'conflict')} to resolve before the merge snapshot is taken.`;
}

/** The label of the button that starts the merge. */
export function mergeButtonLabel(preview: IMergePreview): string {
  if (preview.fast_forward) {
    return 'Fast-forward';
  }
  const conflicts = preview.files.filter(file => file.outcome === 'conflict').length;
  return conflicts ? 'Merge and resolve' : 'Merge';
}

/** What a notification says after a merge job ended. */
export function resultText(result: IMergeResult, sides: ISides): string {
  const snapshot =
    typeof result.snapshot === 'string'
      ? result.snapshot.slice(0, 8)
      : result.snapshot && typeof result.snapshot === 'object'
        ? String(
            (result.snapshot as IJSONObject).short_id ?? (result.snapshot as IJSONObject).id ?? ''
          ).slice(0, 8)
        : '';
  switch (result.state) {
    case 'merged':
      return `Merged ${sides.theirs} into ${sides.ours}${snapshot ? `: snapshot ${snapshot}` : ''}.`;
    case 'fast-forward':
      return `${sides.ours} moved forward to ${sides.theirs}${snapshot ? ` (${snapshot})` : ''}.`;
    case 'up-to-date':
      return `${sides.ours} already has everything from ${sides.theirs}.`;
    case 'conflicts':
      return `${plural(result.conflicts?.length ?? 0, 'conflict')} to resolve in the Versions panel before the merge can finish.`;
    default:
      return `Merge ended: ${String(result.state)}.`;
  }
}

/** The columns of a row conflict, in first-seen order over the three versions. */
export function rowColumns(row: IMergeRow): string[] {
  const columns: string[] = [];
  for (const side of [row.base, row.ours, row.theirs]) {
    for (const name of Object.keys(side ?? {})) {
      if (!columns.includes(name)) {
        columns.push(name);
      }
    }
  }
  return columns;
}

/** The rows of a table conflict, when the server listed them. */
export function conflictRows(file: IMergeFile): IMergeRow[] {
  if (!Array.isArray(file.rows)) {
    return [];
  }
  return file.rows.filter(row => row.outcome === undefined || row.outcome === 'conflict');
}

/**
 * The project status as the REST API returns it, and how the sidebar words it.
 */

/** One file that differs from the last snapshot. */
export interface IChange {
  path: string;
  status: string;
  kind: string;
}

/** The answer of `GET mlversion/api/status`. */
export interface IStatus {
  head: string | null;
  clean: boolean;
  tracked: number;
  changes: IChange[];
}

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
  if (status.clean || status.changes.length === 0) {
    return `Up to date with ${head} (${files}).`;
  }
  return `${plural(status.changes.length, 'change')} since ${head} (${files}).`;
}

/** "1 file", "2 files". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

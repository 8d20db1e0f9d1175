/**
 * The words of the branch bar's remote row, as pure functions (tested without a browser).
 */
import type { IRemoteResult } from './branchmodel';
import type { IRemoteStatus } from './branchtypes';

/** "origin: 2 to push, 1 to pull" (as of the last fetch or push); "origin: in sync". */
export function remoteCounts(remote: IRemoteStatus): string {
  if (remote.tracking === null) {
    return `${remote.name}: not pushed yet`;
  }
  const parts: string[] = [];
  if (remote.ahead) {
    parts.push(`${remote.ahead} to push`);
  }
  if (remote.behind) {
    parts.push(`${remote.behind} to pull`);
  }
  return `${remote.name}: ${parts.length ? parts.join(', ') : 'in sync'}`;
}

/** What a finished push or pull did, in a sentence. */
export function remoteDone(kind: 'push' | 'pull', remote: string, done: IRemoteResult): string {
  const count = done.snapshots ?? 0;
  if (kind === 'push') {
    return done.up_to_date
      ? `${remote} already had everything.`
      : `Pushed ${count} snapshot(s) to ${remote}.`;
  }
  switch (done.action) {
    case 'up-to-date':
    case 'ahead':
      return `Nothing new on ${remote}.`;
    case 'merged':
      return `Merged ${count} snapshot(s) from ${remote}.`;
    case 'conflicts':
      return `Pulled from ${remote}: the merge has conflicts to resolve.`;
    case 'no-remote-branch':
      return `${remote} has no such branch yet: push it first.`;
    default:
      return `Pulled ${count} snapshot(s) from ${remote}.`;
  }
}

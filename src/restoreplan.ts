/**
 * Words for restores (pure, so they are tested without a browser).
 */
import type { IRestoreResult } from './types';

/** The sentence telling what a finished restore did. */
export function restoredText(result: IRestoreResult, what: string): string {
  const changed = result.items.filter(item => item.action !== 'unchanged');
  const deleted = changed.filter(item => item.action === 'delete').length;
  const written = changed.length - deleted;
  let text = `${what}: ${written} file(s) written`;
  if (deleted) {
    text += `, ${deleted} deleted`;
  }
  text += '.';
  if (result.safety_snapshot) {
    text += ` The previous content was kept first in snapshot ${result.safety_snapshot.slice(0, 8)}.`;
  }
  return text;
}

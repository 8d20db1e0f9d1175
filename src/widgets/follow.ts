/**
 * Follow rules in the aliases table: an alias such as `best` that moves on every snapshot
 * whose metric beats its holder's (`max accuracy`, `min loss`).
 */
import type { VersionsModel } from '../model';
import { h } from './dom';

/** `max accuracy` / `min loss`, or null when the text is no rule. */
export function followProblem(rule: string): string | null {
  if (!rule.trim()) {
    return null;
  }
  return /^(max|min) \S.*$/.test(rule.trim()) ? null : "a rule reads 'max METRIC' or 'min METRIC'";
}

/** The table cell: the rule and the holder's value, with a button to stop following. */
export function followCell(model: VersionsModel, file: string, alias: string): HTMLElement {
  const rule = model.follows[file]?.[alias];
  if (!rule) {
    return h('span', { className: 'jp-mlversion-hint' }, '—');
  }
  const value = rule.value === null ? 'no value yet' : String(rule.value);
  return h(
    'span',
    { className: 'jp-mlversion-follow' },
    h('span', { title: `holder's ${rule.metric}: ${value}` }, `${rule.rule} (${value})`),
    h(
      'button',
      {
        className: 'jp-mlversion-button jp-mod-small',
        'aria-label': `Stop ${alias} of ${file} following ${rule.metric}`,
        title: 'Stop following',
        onclick: () => void model.followAlias(file, alias, '').catch(() => undefined)
      },
      'Unfollow'
    )
  );
}

/** The form's input for a rule. */
export function followInput(): HTMLInputElement {
  return h('input', {
    className: 'jp-mlversion-input',
    placeholder: 'follow, e.g. max accuracy',
    'aria-label': 'Alias follows'
  });
}

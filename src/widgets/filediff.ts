/**
 * Table and model diffs drawn as tables; other files as ids and sizes.
 */
import type { IFileDiff, IJSONObject } from '../types';
import { bytes, h, show, table } from './dom';

type Row = { [column: string]: unknown };

/** Rows of sample records as a table with the union of their columns. */
function records(title: string, rows: Row[]): HTMLElement | null {
  if (!rows.length) {
    return null;
  }
  const columns = [...new Set(rows.flatMap(row => Object.keys(row)))];
  return h(
    'div',
    {},
    h('h4', {}, title),
    table(
      columns,
      rows.map(row => columns.map(c => show(row[c]))),
      'jp-mlversion-records'
    )
  );
}

/** A table diff: row counts, schema changes, column statistics, sample rows. */
export function tableDiff(detail: IJSONObject): HTMLElement {
  const schema = (detail.schema ?? {}) as {
    added?: string[];
    removed?: string[];
    type_changed?: { name: string; old: string; new: string }[];
  };
  const rows = (detail.rows ?? {}) as Row;
  const columns = (detail.columns ?? {}) as { old?: Row[]; new?: Row[] };
  const samples = (detail.samples ?? {}) as { added?: Row[]; removed?: Row[]; changed?: Row[] };
  const oldStats = new Map((columns.old ?? []).map(s => [String(s.name), s]));
  const statRows = (columns.new ?? []).map(stat => {
    const before = oldStats.get(String(stat.name)) ?? {};
    return [
      String(stat.name),
      ...['nulls', 'distinct', 'min', 'max', 'mean'].map(key =>
        before[key] === stat[key] ? show(stat[key]) : `${show(before[key])} → ${show(stat[key])}`
      )
    ];
  });
  const typeChanges = schema.type_changed ?? [];
  return h(
    'div',
    { className: 'jp-mlversion-table-diff' },
    h('h4', {}, 'Rows'),
    table(Object.keys(rows), [Object.values(rows).map(value => show(value))], 'jp-mlversion-rows'),
    h('h4', {}, 'Schema'),
    schema.added?.length || schema.removed?.length || typeChanges.length
      ? table(
          ['Column', 'Change'],
          [
            ...(schema.added ?? []).map(name => [name, 'added']),
            ...(schema.removed ?? []).map(name => [name, 'removed']),
            ...typeChanges.map(t => [t.name, `${t.old} → ${t.new}`])
          ]
        )
      : h('p', {}, 'Same columns and types.'),
    statRows.length
      ? [
          h('h4', {}, 'Columns'),
          table(['Column', 'Nulls', 'Distinct', 'Min', 'Max', 'Mean'], statRows)
        ]
      : null,
    records('Added rows (sample)', samples.added ?? []),
    records('Removed rows (sample)', samples.removed ?? []),
    records('Changed rows (sample)', samples.changed ?? [])
  );
}

/** A model diff: format, sizes, tensors or graph changes, as far as the server could read. */
export function modelDiff(detail: IJSONObject): HTMLElement {
  const parts: (HTMLElement | null)[] = [];
  const scalars = Object.entries(detail).filter(
    ([, value]) => value === null || typeof value !== 'object'
  );
  parts.push(
    table(
      ['Property', 'Value'],
      scalars.map(([k, v]) => [k, show(v)])
    )
  );
  for (const [key, value] of Object.entries(detail)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = value as Row;
      for (const list of ['added', 'removed', 'changed']) {
        const items = inner[list];
        if (Array.isArray(items) && items.length) {
          parts.push(
            records(
              `${key}: ${list}`,
              items.map(item => flatten(item))
            )
          );
        }
      }
    }
  }
  return h('div', { className: 'jp-mlversion-model-diff' }, parts);
}

/** Nested objects as "a.b" columns so they fit a table. */
function flatten(value: unknown, prefix = '', out: Row = {}): Row {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Row)) {
      flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    }
  } else {
    out[prefix || 'value'] = value;
  }
  return out;
}

/** Any other file: its two ids and sizes. */
export function plainDiff(diff: IFileDiff): HTMLElement {
  return table(
    ['', 'Old', 'New'],
    [
      ['id', diff.old_entry?.id.slice(0, 12) ?? '—', diff.new_entry?.id.slice(0, 12) ?? '—'],
      ['size', bytes(diff.old_entry?.size), bytes(diff.new_entry?.size)]
    ]
  );
}

/**
 * A table's conflicting rows side by side (base, the current branch, the other branch), in the
 * main area, with the sides to settle the file with.
 */
import { Widget } from '@lumino/widgets';

import type { BranchesModel } from '../branchmodel';
import type { IMergeFile, IMergeRow } from '../branchtypes';
import { errorText } from '../model';
import { ISides, conflictRows, fileText, keyText, rowColumns } from '../mergetext';
import { h, replaceChildren, show } from './dom';

/** The buttons row on top of a conflict view. */
function toolbar(...buttons: HTMLElement[]): HTMLElement {
  return h('div', { className: 'jp-mlversion-actions jp-mlversion-mergeview-actions' }, buttons);
}

/** One side of a row conflict as a cell: a column per line, changed columns marked. */
function rowCell(values: IMergeRow['ours'], base: IMergeRow['base'], columns: string[]) {
  if (values === null || values === undefined) {
    return h('span', { className: 'jp-mlversion-hint' }, 'row removed');
  }
  return h(
    'dl',
    { className: 'jp-mlversion-row-values' },
    columns.flatMap(name => {
      const value = (values as { [k: string]: unknown })[name];
      const old = base ? (base as { [k: string]: unknown })[name] : undefined;
      const changed = base !== null && base !== undefined && show(value) !== show(old);
      return [
        h('dt', {}, name),
        h('dd', { className: changed ? 'jp-mod-changed' : '' }, show(value))
      ];
    })
  );
}

/** A table's conflicting rows: key, then base, ours and theirs side by side. */
export function rowConflictTable(file: IMergeFile, sides: ISides): HTMLElement {
  const rows = conflictRows(file);
  if (!rows.length) {
    return h(
      'p',
      {},
      fileText(file, sides) ||
        'The whole file conflicts (no usable key column, or both sides changed its schema).'
    );
  }
  return h(
    'table',
    { className: 'jp-mlversion-table jp-mlversion-row-conflicts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Key', 'Base', `${sides.ours} (current)`, sides.theirs].map(name =>
          h('th', { scope: 'col' }, name)
        )
      )
    ),
    h(
      'tbody',
      {},
      rows.map(row => {
        const columns = rowColumns(row);
        return h(
          'tr',
          {},
          h('td', {}, h('code', {}, keyText(row.key))),
          h('td', {}, rowCell(row.base, null, columns)),
          h('td', {}, rowCell(row.ours, row.base, columns)),
          h('td', {}, rowCell(row.theirs, row.base, columns))
        );
      })
    )
  );
}

/** A table in conflict: its rows side by side, and the sides to settle it with. */
export class TableConflictView extends Widget {
  constructor(
    private readonly _model: BranchesModel,
    readonly file: IMergeFile,
    private readonly _sides: ISides
  ) {
    super();
    this.addClass('jp-mlversion-MergeView');
    this.title.label = `Rows of ${file.path.split('/').pop()}`;
    this.title.caption = `Row conflicts of ${file.path}`;
    this.title.closable = true;
    this._note = h('p', { className: 'jp-mlversion-note', 'aria-live': 'polite' });
    this.render();
  }

  render(): void {
    const { ours, theirs } = this._sides;
    const settle = (side: 'ours' | 'theirs' | null) => async () => {
      try {
        await this._model.resolve(this.file.path, side);
        this.close();
      } catch (error) {
        this._note.textContent = errorText(error);
        this._note.classList.add('jp-mod-error');
      }
    };
    const button = (label: string, run: () => Promise<void>) =>
      h('button', { className: 'jp-mlversion-button', onclick: () => void run() }, label);
    replaceChildren(
      this.node,
      h('h2', {}, `Row conflicts of ${this.file.path}`),
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        'Rows changed on both sides are shown with the base row; changed values are marked. ' +
          'Settle the file with one side, or edit it and mark it resolved.'
      ),
      toolbar(
        button(`Keep ${ours}`, settle('ours')),
        button(`Take ${theirs}`, settle('theirs')),
        button('Mark resolved (file as edited)', settle(null))
      ),
      this._note,
      rowConflictTable(this.file, this._sides)
    );
  }

  private _note: HTMLParagraphElement;
}

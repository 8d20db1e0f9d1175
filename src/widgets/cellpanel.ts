/**
 * The Cell inputs section: the data files the selected cell read, their versions across
 * snapshots, and "Roll back inputs to ..." with a preview, a confirmation and a re-run offer.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import type { ICellRun, IRestoreResult } from '../types';
import { bytes, h, replaceChildren, table, when } from './dom';

/** Re-runs the cell whose inputs were rolled back. */
export type Rerun = () => Promise<void>;

/** The restore plan as a table: file, what happens, size. */
export function planTable(plan: IRestoreResult): HTMLElement {
  if (plan.items.every(item => item.action === 'unchanged')) {
    return h('p', {}, 'The files already hold those versions: nothing would change.');
  }
  return table(
    ['File', 'Action', 'Size'],
    plan.items.map(item => [item.path, item.action, bytes(item.size)]),
    'jp-mlversion-plan'
  );
}

/** Lineage of the selected cell. */
export class CellPanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _rerun: Rerun
  ) {
    super();
    this.addClass('jp-mlversion-CellPanel');
    _model.changed.connect((_, part) => {
      if (part === 'cell' || part === 'project' || part === 'busy') {
        this.render();
      }
    }, this);
    this.render();
  }

  render(): void {
    const model = this._model;
    const cell = model.cell;
    if (!model.project) {
      replaceChildren(this.node);
      return;
    }
    if (!cell) {
      replaceChildren(
        this.node,
        h('p', { className: 'jp-mlversion-hint' }, 'Select a code cell to see the files it read.')
      );
      return;
    }
    const lineage = model.lineage;
    const title = h('p', {}, `Cell ${cell.index + 1} `, h('code', {}, cell.id.slice(0, 8)));
    if (!lineage) {
      replaceChildren(this.node, title, h('p', {}, 'Loading…'));
      return;
    }
    if (lineage.runs.length === 0) {
      replaceChildren(
        this.node,
        title,
        h('p', { className: 'jp-mlversion-hint' }, 'No snapshot recorded this cell running yet.')
      );
      return;
    }
    replaceChildren(this.node, title, this._versions(lineage.runs), this._runs(lineage.runs));
  }

  /** Each file read, with its version in each snapshot (newest first). */
  private _versions(runs: ICellRun[]): HTMLElement {
    const files = [...new Set(runs.flatMap(run => run.reads.map(read => read.path)))].sort();
    if (files.length === 0) {
      return h('p', { className: 'jp-mlversion-hint' }, 'This cell read no tracked files.');
    }
    return table(
      ['File', ...runs.map(run => run.snapshot.slice(0, 8))],
      files.map(file => [
        file,
        ...runs.map(run => {
          const read = run.reads.find(r => r.path === file);
          return read ? `v${read.version ?? '?'}` : '—';
        })
      ]),
      'jp-mlversion-cell-versions'
    );
  }

  private _runs(runs: ICellRun[]): HTMLElement {
    return h(
      'ul',
      { className: 'jp-mlversion-runs', 'aria-label': 'Snapshots that ran this cell' },
      runs.map(run =>
        h(
          'li',
          {},
          h('code', {}, run.snapshot.slice(0, 8)),
          ' ',
          h('span', { className: 'jp-mlversion-time' }, when(run.time)),
          ' ',
          h('span', {}, run.message.split('\n')[0]),
          run.reads.length
            ? h(
                'button',
                {
                  className: 'jp-mlversion-button jp-mod-small',
                  disabled: this._model.busy !== '',
                  onclick: () => void this.rollback(run.snapshot)
                },
                `Roll back inputs to ${run.snapshot.slice(0, 8)}`
              )
            : null
        )
      )
    );
  }

  /** Preview, confirm, restore, then offer to re-run the cell. */
  async rollback(to: string): Promise<boolean> {
    let plan: IRestoreResult;
    try {
      plan = await this._model.previewRollback(to);
    } catch {
      return false;
    }
    const changes = plan.items.filter(item => item.action !== 'unchanged').length;
    const answer = await showDialog({
      title: `Roll back the cell's inputs to ${to.slice(0, 8)}?`,
      body: new Widget({ node: h('div', {}, planTable(plan)) }),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: changes ? `Roll back ${changes} file(s)` : 'OK' })
      ]
    });
    if (!answer.button.accept || changes === 0) {
      return false;
    }
    try {
      await this._model.rollback(to);
    } catch {
      return false;
    }
    const again = await showDialog({
      title: 'Inputs rolled back',
      body: 'Run the cell again with the restored files?',
      buttons: [
        Dialog.cancelButton({ label: 'Not now' }),
        Dialog.okButton({ label: 'Re-run cell' })
      ]
    });
    if (again.button.accept) {
      await this._rerun();
    }
    return true;
  }
}

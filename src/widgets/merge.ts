/**
 * "Merge into current...": pick a branch, preview what the merge does to each file, merge;
 * and, while a merge waits for its conflicts, the panel's list of them with their actions.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import type { BranchesModel } from '../branchmodel';
import { isResolved, openConflicts } from '../branchmodel';
import type { IMergeFile, IMergePreview, IMergeResult } from '../branchtypes';
import {
  ISides,
  fileText,
  mergeButtonLabel,
  outcomeText,
  previewSummary,
  resultText
} from '../mergetext';
import { plural } from '../status';
import { h, replaceChildren, table } from './dom';

/** What the merge flow asks of the application. */
export interface IMergeHost {
  saveFirst: () => Promise<void>;
  reload: () => Promise<void>;
  /** Open the main-area view that resolves one conflict (nbdime's merge view, or rows). */
  openConflict: (file: IMergeFile, sides: ISides) => void;
}

/** The dialog body that picks the branch to merge from (and, for tables, key columns). */
class MergeChooser extends Widget {
  constructor(model: BranchesModel) {
    super();
    this.addClass('jp-mlversion-merge-chooser');
    const others = model.others;
    // The first branch with snapshots the current one lacks is the likely choice.
    const likely = others.find(branch => branch.merged === false) ?? others[0];
    this._branch = h(
      'select',
      { className: 'jp-mlversion-input', 'aria-label': 'Branch to merge from' },
      others.map(branch =>
        h(
          'option',
          { value: branch.name, selected: branch.name === likely?.name },
          branch.merged ? `${branch.name} (merged)` : branch.name
        )
      )
    );
    this._key = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'e.g. id (default: a unique column)',
      'aria-label': 'Key columns for tables'
    });
    this.node.append(
      h('label', {}, 'Merge from', this._branch),
      h('label', {}, 'Key column(s) of tables, comma-separated (optional)', this._key)
    );
  }

  getValue(): { branch: string; key: string } {
    return { branch: this._branch.value, key: this._key.value.trim() };
  }

  private _branch: HTMLSelectElement;
  private _key: HTMLInputElement;
}

/** The table of files a preview lists: path, kind, outcome, and its cells or rows. */
export function previewTable(files: IMergeFile[], sides: ISides): HTMLElement {
  if (!files.length) {
    return h('p', { className: 'jp-mlversion-hint' }, 'No file differs.');
  }
  const rows = files.map(file => [
    file.path,
    file.kind ?? '',
    h(
      'span',
      { className: `jp-mlversion-outcome jp-mod-${file.outcome ?? 'conflict'}` },
      outcomeText(file.outcome, sides)
    ),
    fileText(file, sides)
  ]);
  return table(['File', 'Kind', 'Outcome', 'Details'], rows, 'jp-mlversion-merge-preview');
}

/** The dialog body showing a preview, with the merge snapshot's message. */
class PreviewBody extends Widget {
  constructor(preview: IMergePreview, sides: ISides) {
    super();
    this.addClass('jp-mlversion-merge-dialog');
    this._message = h('input', {
      className: 'jp-mlversion-input',
      value: `Merge branch '${sides.theirs}' into ${sides.ours}`,
      'aria-label': 'Merge snapshot message'
    });
    this.node.append(
      h('p', { className: 'jp-mlversion-merge-summary' }, previewSummary(preview, sides))
    );
    if (!preview.up_to_date) {
      this.node.append(previewTable(preview.files, sides));
    }
    if (!preview.fast_forward && !preview.up_to_date) {
      this.node.append(h('label', {}, 'Message of the merge snapshot', this._message));
    }
  }

  getValue(): string {
    return this._message.value.trim();
  }

  private _message: HTMLInputElement;
}

/** The whole flow: choose, preview, merge; conflicts then wait in the panel. */
export async function startMerge(model: BranchesModel, host: IMergeHost): Promise<void> {
  const ours = model.current;
  if (!model.others.length) {
    Notification.info('There is no other branch to merge from: create one first.', {
      autoClose: 5000
    });
    return;
  }
  const chosen = await showDialog({
    title: `Merge into ${ours}`,
    body: new MergeChooser(model),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Preview' })]
  });
  if (!chosen.button.accept || !chosen.value) {
    return;
  }
  const { branch, key } = chosen.value;
  const sides = { ours, theirs: branch };
  try {
    await host.saveFirst();
    const preview = await model.preview(branch, key);
    if (preview.up_to_date) {
      await showDialog({
        title: `Merge ${branch} into ${ours}`,
        body: new PreviewBody(preview, sides),
        buttons: [Dialog.okButton({ label: 'Close' })]
      });
      return;
    }
    const answer = await showDialog({
      title: `Merge ${branch} into ${ours}`,
      body: new PreviewBody(preview, sides),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: mergeButtonLabel(preview) })]
    });
    if (!answer.button.accept) {
      return;
    }
    const result = await model.mergeFrom(branch, answer.value || undefined, key);
    await host.reload();
    const text = resultText(result, sides);
    if (result.state === 'conflicts') {
      Notification.warning(text, { autoClose: 8000 });
    } else {
      Notification.success(text, { autoClose: 5000 });
    }
  } catch {
    // The model told the user.
  }
}

/** The merge in progress, in the panel's header: its conflicts, resolve, finish or abort. */
export class MergeBanner extends Widget {
  constructor(
    private readonly _model: BranchesModel,
    private readonly _host: IMergeHost
  ) {
    super();
    this.addClass('jp-mlversion-MergeBanner');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Merge in progress');
    this._message = h('input', {
      className: 'jp-mlversion-input',
      'aria-label': 'Merge snapshot message'
    });
    _model.changed.connect(() => this.render(), this);
    _model.versions.changed.connect((_, part) => {
      if (part === 'busy') {
        this.render();
      }
    }, this);
    this.render();
  }

  /** The branches of the merge in progress. */
  get sides(): ISides {
    const merge = this._model.merge;
    return { ours: this._model.current, theirs: merge?.branch ?? 'the other branch' };
  }

  render(): void {
    const merge = this._model.merge;
    this.setHidden(merge === null);
    if (merge === null) {
      replaceChildren(this.node);
      this._filled = '';
      return;
    }
    const sides = this.sides;
    const open = openConflicts(merge);
    const busy = this._model.versions.busy !== '';
    const draft = merge.message || `Merge branch '${sides.theirs}' into ${sides.ours}`;
    if (this._filled !== draft) {
      this._message.value = draft;
      this._filled = draft;
    }
    const finish = h(
      'button',
      {
        className: 'jp-mlversion-button jp-mod-accept',
        disabled: busy || open.length > 0,
        title: open.length ? 'Resolve every conflict first' : 'Take the merge snapshot',
        onclick: () => void this.finish()
      },
      'Finish merge'
    );
    const abort = h(
      'button',
      {
        className: 'jp-mlversion-button',
        disabled: busy,
        title: 'Put every file back as it was before the merge',
        onclick: () => void this.abort()
      },
      'Abort merge'
    );
    replaceChildren(
      this.node,
      h(
        'p',
        { className: 'jp-mlversion-merge-title' },
        `Merging ${sides.theirs} into ${sides.ours}: `,
        h(
          'strong',
          {},
          open.length ? `${plural(open.length, 'conflict')} left` : 'all conflicts resolved'
        )
      ),
      h(
        'ul',
        { className: 'jp-mlversion-conflicts', 'aria-label': 'Conflicts' },
        (merge.conflicts ?? []).map(conflict =>
          this._conflict(conflict, isResolved(merge, conflict.path), sides, busy)
        )
      ),
      h('label', { className: 'jp-mlversion-merge-message' }, 'Message', this._message),
      h('div', { className: 'jp-mlversion-actions' }, finish, abort)
    );
  }

  /** Snapshot the merge (every conflict settled). */
  async finish(): Promise<void> {
    const sides = this.sides;
    try {
      await this._host.saveFirst();
      const result = await this._model.finish(this._message.value.trim() || undefined);
      await this._host.reload();
      const text =
        'state' in result && typeof result.state === 'string'
          ? resultText(result as IMergeResult, sides)
          : `Merged ${sides.theirs} into ${sides.ours}.`;
      Notification.success(text, { autoClose: 5000 });
    } catch {
      // The model told the user.
    }
  }

  /** Abort after asking: every file returns to what it was before the merge. */
  async abort(): Promise<void> {
    const sides = this.sides;
    const answer = await showDialog({
      title: 'Abort the merge?',
      body: `Every file returns to what it was on ${sides.ours} before merging ${sides.theirs}; resolutions made so far are dropped.`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Abort merge' })]
    });
    if (!answer.button.accept) {
      return;
    }
    try {
      await this._model.abort();
      await this._host.reload();
      Notification.info(`Merge aborted: ${sides.ours} is as it was.`, { autoClose: 4000 });
    } catch {
      // The model told the user.
    }
  }

  private _conflict(
    conflict: IMergeFile,
    resolved: boolean,
    sides: ISides,
    busy: boolean
  ): HTMLElement {
    const settle = (side: 'ours' | 'theirs'): Promise<void> =>
      this._model
        .resolve(conflict.path, side)
        .then(() => this._host.reload())
        .catch(() => undefined);
    const button = (label: string, title: string, run: () => unknown): HTMLElement =>
      h(
        'button',
        {
          className: 'jp-mlversion-button jp-mod-small',
          disabled: busy,
          title,
          'aria-label': `${title}: ${conflict.path}`,
          onclick: () => void run()
        },
        label
      );
    const table = conflict.kind === 'table' || conflict.kind === 'dataset';
    const canView = conflict.kind === 'notebook' || table;
    return h(
      'li',
      {
        className: `jp-mlversion-conflict${resolved ? ' jp-mod-resolved' : ''}`,
        'data-path': conflict.path
      },
      h(
        'div',
        { className: 'jp-mlversion-conflict-head' },
        h('span', { className: 'jp-mlversion-change-status' }, resolved ? '✓' : '!'),
        h('span', { className: 'jp-mlversion-change-path', title: conflict.path }, conflict.path),
        conflict.kind ? h('span', { className: 'jp-mlversion-kind' }, conflict.kind) : null
      ),
      h('div', { className: 'jp-mlversion-hint' }, fileText(conflict, sides)),
      h(
        'div',
        { className: 'jp-mlversion-actions' },
        canView
          ? button(
              conflict.kind === 'notebook' ? 'Resolve…' : 'Compare rows…',
              conflict.kind === 'notebook' ? 'Resolve in the merge view' : 'Compare the rows',
              () => this._host.openConflict(conflict, sides)
            )
          : null,
        button(`Keep ${sides.ours}`, `Keep ${sides.ours}'s version`, () => settle('ours')),
        button(`Take ${sides.theirs}`, `Take ${sides.theirs}'s version`, () => settle('theirs')),
        button('Mark resolved', 'Mark resolved as the file is now', () =>
          this._model
            .resolve(conflict.path, null)
            .then(() => this._host.reload())
            .catch(() => undefined)
        )
      )
    );
  }

  private _message: HTMLInputElement;
  private _filled = '';
}

/**
 * Resolving a notebook's conflict in the main area with nbdime's merge view: pick a side per
 * cell, edit the merged cell, save the resolution.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type * as nbformat from '@jupyterlab/nbformat';
import { Panel, Widget } from '@lumino/widgets';
import type { IMergeDecision } from 'nbdime/lib/merge/decisions';
import { NotebookMergeModel } from 'nbdime/lib/merge/model';
import { NotebookMergeWidget } from 'nbdime/lib/merge/widget';

import type { BranchesModel } from '../branchmodel';
import type { IMergeFile } from '../branchtypes';
import { errorText } from '../model';
import type { ISides } from '../mergetext';
import { plural } from '../status';
import { h } from './dom';
import type { INotebookDiffContext } from './notebookdiff';

/** The merged notebook as a file: nbformat's JSON layout (one-space indent, final newline). */
export function notebookText(notebook: nbformat.INotebookContent): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** The buttons row on top of a conflict view. */
function toolbar(...buttons: HTMLElement[]): HTMLElement {
  return h('div', { className: 'jp-mlversion-actions jp-mlversion-mergeview-actions' }, buttons);
}

/** A notebook in conflict, drawn by nbdime's merge widget; "Save resolution" settles it. */
export class NotebookMergeView extends Panel {
  constructor(
    private readonly _model: BranchesModel,
    readonly file: IMergeFile,
    sides: ISides,
    private readonly _context: INotebookDiffContext
  ) {
    super();
    this.addClass('jp-mlversion-MergeView');
    this.title.label = `Merge ${file.path.split('/').pop()}`;
    this.title.caption = `Resolve ${file.path}: ${sides.ours} ← ${sides.theirs}`;
    this.title.closable = true;
    this._note = h('p', { className: 'jp-mlversion-note', 'aria-live': 'polite' }, 'Loading…');
    this._save = h(
      'button',
      {
        className: 'jp-mlversion-button jp-mod-accept',
        disabled: true,
        onclick: () => void this.save()
      },
      'Save resolution'
    );
    const head = h(
      'div',
      { className: 'jp-mlversion-mergeview-head' },
      h('h2', {}, `Resolve ${file.path}`),
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        `nbdime shows each changed cell as it is on ${sides.ours} (local), at the common ` +
          `ancestor (base) and on ${sides.theirs} (remote), with the merged cell to edit. ` +
          'Settle each conflicted cell, then save the resolution.'
      ),
      toolbar(
        this._save,
        h(
          'button',
          { className: 'jp-mlversion-button', onclick: () => this.close() },
          'Close without saving'
        )
      ),
      this._note
    );
    this.addWidget(new Widget({ node: head }));
    void this.load();
  }

  /** The nbdime model once loaded (for tests and the save). */
  get mergeModel(): NotebookMergeModel | null {
    return this._widget?.model ?? null;
  }

  /** Fetch the base and merge decisions and draw nbdime's view. */
  async load(): Promise<void> {
    try {
      const data = await this._model.notebookMerge(this.file.path);
      const model = new NotebookMergeModel(
        data.base as unknown as nbformat.INotebookContent,
        data.merge_decisions as unknown as IMergeDecision[]
      );
      const widget = new NotebookMergeWidget({
        model,
        rendermime: this._context.rendermime,
        editorFactory: this._context.editorFactory
      });
      widget.addClass('jp-mlversion-nbdime');
      this._widget = widget;
      this.addWidget(widget);
      await widget.init();
      const count = model.conflicts.length;
      this._note.textContent = count
        ? `${plural(count, 'conflict')} for nbdime to show.`
        : 'nbdime merged every cell; check the result and save.';
      this._save.disabled = false;
    } catch (error) {
      this._note.textContent = `Could not load the merge of ${this.file.path}: ${errorText(error)}`;
      this._note.classList.add('jp-mod-error');
    }
  }

  /** The merged notebook as nbdime's view holds it now. */
  merged(): nbformat.INotebookContent {
    const widget = this._widget;
    if (!widget) {
      throw new Error(`the merge view of ${this.file.path} is not loaded yet`);
    }
    return widget.validateMerged(widget.model.serialize());
  }

  /** Send the merged notebook as the resolution of this conflict, then close. */
  async save(): Promise<boolean> {
    const widget = this._widget;
    if (!widget) {
      return false;
    }
    const left = widget.model.conflicts.length;
    if (left) {
      const answer = await showDialog({
        title: 'Conflicts not marked resolved',
        body: `nbdime still marks ${plural(left, 'conflict')} in ${this.file.path}. Save the merged notebook as it shows now?`,
        buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Save anyway' })]
      });
      if (!answer.button.accept) {
        return false;
      }
    }
    this._save.disabled = true;
    this._note.textContent = 'Saving the resolution…';
    try {
      await this._model.resolve(this.file.path, null, notebookText(this.merged()));
      this.close();
      return true;
    } catch (error) {
      this._note.textContent = errorText(error);
      this._note.classList.add('jp-mod-error');
      this._save.disabled = false;
      return false;
    }
  }

  private _widget: NotebookMergeWidget | null = null;
  private _note: HTMLParagraphElement;
  private _save: HTMLButtonElement;
}

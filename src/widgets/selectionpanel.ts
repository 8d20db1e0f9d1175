/**
 * Under the history: the selected snapshot (or pair) with its actions.
 */
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import { NAME_PATTERN } from '../status';
import type { ISnapshot } from '../types';
import { h, replaceChildren, show, when } from './dom';

/** Opens the details of one snapshot, or the diff of two (older first). */
export type OpenDetails = (refs: string[]) => void;

/** The selected snapshot(s): summary, "Details"/"Compare" and a tag form. */
export class SelectionPanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _open: OpenDetails
  ) {
    super();
    this.addClass('jp-mlversion-SelectionPanel');
    this.node.setAttribute('aria-live', 'polite');
    _model.changed.connect((_, part) => {
      if (part === 'selection' || part === 'project' || part === 'names') {
        this.render();
      }
    }, this);
    _model.history.changed.connect(() => this.render(), this);
    this.render();
  }

  /** Open what is selected: details of one, diff of two. */
  openSelected(): void {
    const selection = this._model.selection;
    if (selection.length === 2) {
      this._open(this._model.ordered(selection[0], selection[1]));
    } else if (selection.length === 1) {
      this._open(selection);
    }
  }

  /** Focus the tag name box (for the "tag" command). */
  focusTag(): void {
    this.node.querySelector<HTMLInputElement>('.jp-mlversion-tag-name')?.focus();
  }

  render(): void {
    const selection = this._model.selection;
    if (selection.length === 0) {
      replaceChildren(
        this.node,
        h(
          'p',
          { className: 'jp-mlversion-hint' },
          'Select a snapshot; Ctrl- or Shift-click a second one to compare them.'
        )
      );
      return;
    }
    const history = this._model.history;
    const snapshots = selection.map(id => history.at(history.indexOf(id)));
    if (selection.length === 2) {
      const [older, newer] = this._model.ordered(selection[0], selection[1]);
      replaceChildren(
        this.node,
        h('p', {}, `Compare ${older.slice(0, 8)} → ${newer.slice(0, 8)}`),
        h(
          'button',
          { className: 'jp-mlversion-button jp-mod-accept', onclick: () => this.openSelected() },
          'Compare'
        )
      );
      return;
    }
    const snapshot = snapshots[0];
    replaceChildren(
      this.node,
      snapshot ? this._summary(snapshot) : h('p', {}, selection[0].slice(0, 8)),
      h(
        'div',
        { className: 'jp-mlversion-actions' },
        h(
          'button',
          { className: 'jp-mlversion-button', onclick: () => this.openSelected() },
          'Details'
        ),
        h(
          'button',
          {
            className: 'jp-mlversion-button',
            disabled: !snapshot?.parents.length,
            onclick: () => snapshot && this._open([snapshot.parents[0], snapshot.id])
          },
          'Diff with parent'
        )
      ),
      this._tagForm(selection[0])
    );
  }

  private _summary(snapshot: ISnapshot): HTMLElement {
    const metrics = Object.entries(snapshot.metrics ?? {});
    return h(
      'div',
      { className: 'jp-mlversion-selected' },
      h('p', { className: 'jp-mlversion-selected-message' }, snapshot.message),
      h(
        'p',
        { className: 'jp-mlversion-row-meta' },
        h('code', {}, snapshot.short_id),
        ' ',
        h('span', { className: 'jp-mlversion-author' }, snapshot.author),
        ' ',
        h('span', { className: 'jp-mlversion-time' }, when(snapshot.time))
      ),
      (snapshot.tags ?? []).length
        ? h(
            'p',
            {},
            ...(snapshot.tags ?? []).map(tag => h('span', { className: 'jp-mlversion-tag' }, tag))
          )
        : null,
      metrics.length
        ? h(
            'dl',
            { className: 'jp-mlversion-metrics' },
            ...metrics.map(([name, value]) => [h('dt', {}, name), h('dd', {}, show(value))])
          )
        : null
    );
  }

  private _tagForm(ref: string): HTMLElement {
    const name = h('input', {
      className: 'jp-mlversion-input jp-mlversion-tag-name',
      placeholder: 'new tag, e.g. release-1',
      'aria-label': 'Tag name'
    });
    const form = h(
      'form',
      { className: 'jp-mlversion-inline-form', 'aria-label': 'Tag this snapshot' },
      name,
      h('button', { className: 'jp-mlversion-button', type: 'submit' }, 'Add tag')
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      const tag = name.value.trim();
      if (!NAME_PATTERN.test(tag)) {
        name.setCustomValidity("letters, digits, '.', '_' or '-'");
        name.reportValidity();
        return;
      }
      name.setCustomValidity('');
      void this._model.addTag(tag, ref).catch(() => undefined);
    });
    return form;
  }
}

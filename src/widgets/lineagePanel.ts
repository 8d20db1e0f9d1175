/**
 * The Lineage section of the sidebar: pick a file (typed, or one the selected cell wrote or
 * read) and open its lineage graph in the main area.
 */
import { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import { h, replaceChildren } from './dom';

/** Files worth offering: what the selected cell wrote, then what it read, then aliased files. */
export function suggestedFiles(model: VersionsModel): string[] {
  const runs = model.lineage?.runs ?? [];
  const files = [
    ...runs.flatMap(run => run.writes.map(w => w.path)),
    ...runs.flatMap(run => run.reads.map(r => r.path)),
    ...Object.keys(model.aliases)
  ];
  return [...new Set(files)];
}

export class LineagePanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _open: (file: string) => void
  ) {
    super();
    this.addClass('jp-mlversion-LineagePanel');
    _model.changed.connect((_, part) => {
      if (part === 'cell' || part === 'project' || part === 'names') {
        this.render();
      }
    }, this);
    this.render();
  }

  render(): void {
    if (!this._model.project) {
      replaceChildren(this.node);
      return;
    }
    const file = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'file, e.g. models/clf.pkl',
      'aria-label': 'Lineage file'
    });
    const form = h(
      'form',
      { className: 'jp-mlversion-inline-form', 'aria-label': 'Show lineage' },
      file,
      h('button', { className: 'jp-mlversion-button', type: 'submit' }, 'Show lineage')
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      if (file.value.trim()) {
        this._open(file.value.trim());
      }
    });
    const quick = suggestedFiles(this._model).map(path =>
      h(
        'button',
        {
          className: 'jp-mlversion-button jp-mod-small',
          'aria-label': `Lineage of ${path}`,
          onclick: () => this._open(path)
        },
        path
      )
    );
    replaceChildren(
      this.node,
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        'Which cells wrote a file, from which data versions.'
      ),
      form,
      quick.length ? h('div', { className: 'jp-mlversion-lineage-quick' }, quick) : null
    );
  }
}

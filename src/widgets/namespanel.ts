/**
 * The Names section: tags, aliases and the model registry (register a version, stages,
 * promote with a reason).
 */
import { Widget } from '@lumino/widgets';

import { errorText } from '../model';
import type { VersionsModel } from '../model';
import { NAME_PATTERN } from '../status';
import { STAGES, Stage } from '../types';
import type { IModelVersion } from '../types';
import { h, replaceChildren, table } from './dom';
import { followCell, followInput, followProblem } from './follow';

/** Tags, aliases and registered models of the project. */
export class NamesPanel extends Widget {
  constructor(private readonly _model: VersionsModel) {
    super();
    this.addClass('jp-mlversion-NamesPanel');
    _model.changed.connect((_, part) => {
      if (part === 'names' || part === 'project') {
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
    replaceChildren(this.node, this._tags(), this._aliases(), this._registry());
  }

  private _tags(): HTMLElement {
    const tags = Object.entries(this._model.tags).sort(([a], [b]) => a.localeCompare(b));
    return h(
      'section',
      { 'aria-label': 'Tags' },
      h('h3', {}, 'Tags'),
      tags.length
        ? table(
            ['Tag', 'Snapshot', ''],
            tags.map(([name, id]) => [
              h('span', { className: 'jp-mlversion-tag' }, name),
              h('code', {}, id.slice(0, 8)),
              h(
                'button',
                {
                  className: 'jp-mlversion-button jp-mod-small',
                  'aria-label': `Delete tag ${name}`,
                  title: `Delete tag ${name}`,
                  onclick: () => void this._model.deleteTag(name).catch(() => undefined)
                },
                '×'
              )
            ]),
            'jp-mlversion-tags'
          )
        : h('p', { className: 'jp-mlversion-hint' }, 'No tags yet: select a snapshot to tag it.')
    );
  }

  private _aliases(): HTMLElement {
    const rows: (string | HTMLElement)[][] = [];
    for (const [file, names] of Object.entries(this._model.aliases)) {
      for (const [alias, version] of Object.entries(names)) {
        rows.push([
          file,
          h('span', { className: 'jp-mlversion-tag' }, `@${alias}`),
          `v${version}`,
          followCell(this._model, file, alias),
          h(
            'button',
            {
              className: 'jp-mlversion-button jp-mod-small',
              'aria-label': `Remove alias ${alias} of ${file}`,
              onclick: () => void this._model.removeAlias(file, alias).catch(() => undefined)
            },
            '×'
          )
        ]);
      }
    }
    return h(
      'section',
      { 'aria-label': 'Aliases' },
      h('h3', {}, 'Aliases'),
      rows.length
        ? table(['File', 'Alias', 'Version', 'Follows', ''], rows)
        : h('p', { className: 'jp-mlversion-hint' }, 'No aliases.'),
      this._aliasForm()
    );
  }

  private _aliasForm(): HTMLElement {
    const file = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'file',
      'aria-label': 'Alias file'
    });
    const name = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'alias, e.g. best',
      'aria-label': 'Alias name'
    });
    const version = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'version (latest)',
      type: 'number',
      min: 0,
      'aria-label': 'Alias version'
    });
    const follow = followInput();
    const form = h(
      'form',
      { className: 'jp-mlversion-inline-form', 'aria-label': 'Set an alias' },
      file,
      name,
      version,
      follow,
      h('button', { className: 'jp-mlversion-button', type: 'submit' }, 'Set alias')
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      const v = version.value === '' ? undefined : Number(version.value);
      const rule = follow.value.trim();
      const problem = followProblem(rule);
      follow.setCustomValidity(problem ?? '');
      if (problem) {
        follow.reportValidity();
        return;
      }
      const done = rule
        ? this._model.followAlias(file.value.trim(), name.value.trim(), rule, v)
        : this._model.setAlias(file.value.trim(), name.value.trim(), v);
      void done.catch(() => undefined);
    });
    return form;
  }

  private _registry(): HTMLElement {
    const models = this._model.models;
    return h(
      'section',
      { 'aria-label': 'Model registry' },
      h('h3', {}, 'Model registry'),
      models.length
        ? models.map(model =>
            h(
              'div',
              { className: 'jp-mlversion-model' },
              h('h4', {}, model.name),
              model.description ? h('p', {}, model.description) : null,
              table(
                ['Version', 'File', 'Stage', 'Promote'],
                model.versions.map(version => [
                  `${version.number}`,
                  `${version.path}${version.artifact_version !== undefined ? `@v${version.artifact_version}` : ''}`,
                  h(
                    'span',
                    { className: `jp-mlversion-stage jp-mod-${version.stage}` },
                    version.stage
                  ),
                  this._promoteForm(version)
                ])
              )
            )
          )
        : h(
            'p',
            { className: 'jp-mlversion-hint' },
            'No registered models yet: register a version of a model file below.'
          ),
      this._registerForm()
    );
  }

  /** Register `path@vN` as the next version of a model (new or existing). */
  private _registerForm(): HTMLElement {
    const name = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'model name, e.g. churn',
      required: true,
      pattern: NAME_PATTERN.source,
      maxlength: 100,
      list: 'jp-mlversion-model-names',
      'aria-label': 'Model name'
    });
    const ref = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'file@version, e.g. models/clf.pkl@v2',
      required: true,
      maxlength: 512,
      'aria-label': 'Model file version'
    });
    const description = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'description (optional)',
      maxlength: 10000,
      'aria-label': 'Model description'
    });
    const note = h('p', { className: 'jp-mlversion-note', 'aria-live': 'polite' });
    const names = h(
      'datalist',
      { id: 'jp-mlversion-model-names' },
      this._model.models.map(model => h('option', { value: model.name }))
    );
    const form = h(
      'form',
      { className: 'jp-mlversion-form', 'aria-label': 'Register a model version' },
      h('h4', {}, 'Register a model version'),
      name,
      names,
      ref,
      description,
      h('button', { className: 'jp-mlversion-button', type: 'submit' }, 'Register'),
      note
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      const problem = registerProblem(name.value.trim(), ref.value.trim());
      note.classList.toggle('jp-mod-error', problem !== null);
      note.textContent = problem ?? 'Registering…';
      if (problem) {
        return;
      }
      this._model.registerModel(name.value.trim(), ref.value.trim(), description.value.trim()).then(
        // The panel redraws with the new version; this note is gone with the old form.
        version => (note.textContent = `Registered ${version.model} version ${version.number}.`),
        error => {
          note.classList.add('jp-mod-error');
          note.textContent = errorText(error);
        }
      );
    });
    return form;
  }

  private _promoteForm(version: IModelVersion): HTMLElement {
    const stage = h(
      'select',
      {
        className: 'jp-mlversion-input',
        'aria-label': `Stage for ${version.model} ${version.number}`
      },
      ...STAGES.map(s => h('option', { value: s, selected: s === version.stage }, s))
    );
    const reason = h('input', {
      className: 'jp-mlversion-input',
      placeholder: 'reason',
      required: true,
      'aria-label': `Reason to promote ${version.model} ${version.number}`
    });
    const form = h(
      'form',
      { className: 'jp-mlversion-inline-form' },
      stage,
      reason,
      h('button', { className: 'jp-mlversion-button jp-mod-small', type: 'submit' }, 'Move')
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this._model
        .promote(version.model, version.number, stage.value as Stage, reason.value.trim())
        .catch(() => undefined);
    });
    return form;
  }
}

/** Why a registration cannot be sent as typed, or null when it can. */
export function registerProblem(name: string, ref: string): string | null {
  if (!NAME_PATTERN.test(name)) {
    return `'${name}' cannot be a model name: use letters, digits, '.', '_' or '-', starting with a letter or digit`;
  }
  if (!/^.+@.+$/.test(ref)) {
    return `'${ref}' names no version: write the file and its version, e.g. models/clf.pkl@v2`;
  }
  return null;
}

/**
 * "Start versioning this folder": shown in place of the snapshot form when the active
 * notebook's folder holds no project. The folder is the notebook's, and can be edited.
 */
import { Widget } from '@lumino/widgets';

import { errorText, type VersionsModel } from '../model';
import { h, replaceChildren } from './dom';

/** Called once the project exists, to put the user in the first snapshot's form. */
export type Started = () => void;

/** The start screen of a folder without a project. */
export class StartPanel extends Widget {
  constructor(
    private readonly _model: VersionsModel,
    private readonly _started: Started = () => undefined
  ) {
    super();
    this.addClass('jp-mlversion-StartPanel');
    this._folder = h('input', {
      className: 'jp-mlversion-input',
      'aria-label': 'Folder to version',
      placeholder: '. (the server root)'
    });
    this._button = h(
      'button',
      { className: 'jp-mlversion-button jp-mod-accept', type: 'submit' },
      'Start versioning this folder'
    );
    this._note = h('p', { className: 'jp-mlversion-note', 'aria-live': 'polite' });
    const form = h(
      'form',
      { className: 'jp-mlversion-form', 'aria-label': 'Start versioning a folder' },
      h(
        'p',
        { className: 'jp-mlversion-hint' },
        'Snapshots of this folder will keep its notebooks, data and models, with what each ',
        'cell read and wrote. Choose the folder (relative to the Jupyter root):'
      ),
      h('label', {}, 'Folder', this._folder),
      this._button,
      this._note
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.start();
    });
    replaceChildren(this.node, form);
    _model.changed.connect((_, part) => {
      if (part === 'project' || part === 'busy') {
        this.render();
      }
    }, this);
    this.render();
  }

  /** Create the project in the folder the box names. */
  async start(): Promise<boolean> {
    const folder = this._folder.value.trim();
    this._button.disabled = true;
    this._note.classList.remove('jp-mod-error');
    this._note.textContent = `Creating the project in ${folder || '.'}…`;
    try {
      const project = await this._model.startProject(folder);
      this._note.textContent = `Versioning ${project.root}. Take the first snapshot.`;
      this._started();
      return true;
    } catch (error) {
      this._note.textContent = errorText(error);
      this._note.classList.add('jp-mod-error');
      return false;
    } finally {
      this._button.disabled = false;
    }
  }

  render(): void {
    const folder = this._model.startFolder;
    this.setHidden(folder === null);
    if (folder !== null && folder !== this._suggested) {
      // A new notebook suggests its own folder; what the user typed for the old one goes.
      this._suggested = folder;
      this._folder.value = folder;
      this._note.textContent = '';
    }
  }

  private _folder: HTMLInputElement;
  private _button: HTMLButtonElement;
  private _note: HTMLParagraphElement;
  private _suggested: string | null = null;
}

/**
 * "Read-only for you": when the server says the caller may not change the project
 * (`GET /project` → `can_write: false`, e.g. no `custom:mlversion:write` scope on JupyterHub,
 * or a shared folder their user cannot write), the sidebar says so and disables every control
 * that would change something. Browsing history and diffs stays available.
 */
import type { VersionsModel } from './model';
import { h } from './widgets/dom';

/** Labels of buttons outside forms that change the project. */
const WRITE_LABEL = /^(restore|roll back|delete|remove|check ?out|push|pull|merge|snapshot)/i;
const CONTROLS = 'button, input, textarea, select';

/** Whether the caller may change the model's project (unknown counts as yes). */
export function canWrite(model: VersionsModel): boolean {
  return model.project?.can_write !== false;
}

/** Whether `el` changes the project: every form of the sidebar does, and so do some buttons. */
export function isWriteControl(el: Element): boolean {
  if (el.closest('form')) {
    return true;
  }
  const label = (el.getAttribute('aria-label') || el.textContent || '').trim();
  return WRITE_LABEL.test(label);
}

/** Keeps the sidebar's write controls disabled while the project is read-only for the caller. */
export class ReadOnlyGuard {
  constructor(
    private _root: HTMLElement,
    private _model: VersionsModel
  ) {
    this.banner = h('p', { className: 'jp-mlversion-readonly', role: 'status' });
    this.banner.hidden = true;
    this._observer = new MutationObserver(() => this._apply());
    _model.changed.connect((_, part) => {
      if (part === 'project') {
        this._update();
      }
    });
    this._update();
  }

  /** The line shown above the panels ("Read-only for you: …"). */
  readonly banner: HTMLElement;

  private _update(): void {
    const readOnly = !canWrite(this._model);
    this._root.classList.toggle('jp-mod-readonly', readOnly);
    this.banner.hidden = !readOnly;
    const reason = this._model.project?.read_only_reason ?? 'read-only for you';
    this.banner.textContent = readOnly ? reason.replace(/^read-only/, 'Read-only') : '';
    this._observer.disconnect();
    if (readOnly) {
      this._apply();
      // Panels re-render their controls: disable the new ones as they appear.
      this._observer.observe(this._root, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['disabled']
      });
    }
  }

  private _apply(): void {
    for (const el of Array.from(this._root.querySelectorAll(CONTROLS))) {
      const control = el as HTMLButtonElement;
      if (!control.disabled && isWriteControl(control)) {
        control.disabled = true;
        control.title = this.banner.textContent ?? '';
      }
    }
  }

  private _observer: MutationObserver;
}

/**
 * The "Versions" panel of the left sidebar (a first version: project status only).
 */
import { ServerConnection } from '@jupyterlab/services';
import { refreshIcon } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { requestAPI } from './api';
import { versionsIcon } from './icons';
import { IStatus, summarizeStatus } from './status';
import { SIDEBAR_ID } from './tokens';

/** Loads the status from the server; injected so the panel can be built without a server. */
export type StatusLoader = () => Promise<IStatus>;

/**
 * A loader asking the server for the status of the project holding a folder.
 *
 * @param folder - gives the folder, relative to the server root, at each call ('' = the root)
 */
export function statusLoader(folder: () => string): StatusLoader {
  return () => requestAPI<IStatus>(`status?path=${encodeURIComponent(folder() || '.')}`);
}

/** The panel: a header with a refresh button, a status line and the list of changed files. */
export class VersionsSidebar extends Widget {
  constructor(load: StatusLoader) {
    super();
    this._load = load;
    this.id = SIDEBAR_ID;
    this.addClass('jp-mlversion-Sidebar');
    this.title.icon = versionsIcon;
    this.title.caption = 'Versions';
    this.title.label = '';

    const header = document.createElement('header');
    header.className = 'jp-mlversion-Sidebar-header';
    const heading = document.createElement('h2');
    heading.textContent = 'Versions';
    const refresh = document.createElement('button');
    refresh.className = 'jp-mlversion-Sidebar-refresh jp-Button jp-mod-minimal';
    refresh.title = 'Refresh';
    refresh.setAttribute('aria-label', 'Refresh');
    refreshIcon.element({ container: refresh, tag: 'span' });
    refresh.addEventListener('click', () => void this.refresh());
    header.append(heading, refresh);

    this._message = document.createElement('p');
    this._message.className = 'jp-mlversion-Sidebar-message';
    this._changes = document.createElement('ul');
    this._changes.className = 'jp-mlversion-Sidebar-changes';
    this.node.append(header, this._message, this._changes);
  }

  /** Fetch the status again and redraw; failures become a readable message. */
  async refresh(): Promise<void> {
    this._message.textContent = 'Loading…';
    this._message.classList.remove('jp-mod-error');
    this._changes.replaceChildren();
    try {
      const status = await this._load();
      this._message.textContent = summarizeStatus(status);
      for (const change of status.changes) {
        const item = document.createElement('li');
        item.className = `jp-mlversion-Change jp-mod-${change.status}`;
        item.textContent = `${change.status}  ${change.path}`;
        item.title = `${change.kind}: ${change.path}`;
        this._changes.append(item);
      }
    } catch (error) {
      this._message.classList.add('jp-mod-error');
      this._message.textContent = describeError(error);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.refresh();
  }

  private _load: StatusLoader;
  private _message: HTMLParagraphElement;
  private _changes: HTMLUListElement;
}

/** What to tell a person when the status could not be loaded. */
export function describeError(error: unknown): string {
  if (error instanceof ServerConnection.NetworkError) {
    return 'Cannot reach the Jupyter server. Check that it is running, then refresh.';
  }
  if (error instanceof Error) {
    return `Could not load the project status: ${error.message}`;
  }
  return 'Could not load the project status.';
}

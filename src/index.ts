/**
 * The JupyterLab plugin: wires the sidebar and its command into the application.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import { versionsIcon } from './icons';
import { statusLoader, VersionsSidebar } from './sidebar';
import { CommandIDs, PLUGIN_ID } from './tokens';

/** Rank in the left sidebar: after the file browser, git and the table of contents. */
const SIDEBAR_RANK = 600;

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Version control of data, models and notebooks',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    browser: IDefaultFileBrowser | null
  ): void => {
    // The project is the one holding the folder shown in the file browser.
    const sidebar = new VersionsSidebar(statusLoader(() => browser?.model.path ?? ''));
    app.shell.add(sidebar, 'left', { rank: SIDEBAR_RANK });
    restorer?.add(sidebar, sidebar.id);

    app.commands.addCommand(CommandIDs.openSidebar, {
      label: 'Open Versions Sidebar',
      caption: 'Show snapshots of data, models and notebooks',
      icon: versionsIcon,
      execute: () => app.shell.activateById(sidebar.id)
    });
    palette?.addItem({ command: CommandIDs.openSidebar, category: 'Versions' });
  }
};

export default plugin;

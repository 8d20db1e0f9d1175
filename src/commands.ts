/**
 * Commands in the palette and the cell context menu, the notebook toolbar button and the
 * keyboard shortcut.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ToolbarButton } from '@jupyterlab/ui-components';
import type { AccordionPanel, Widget } from '@lumino/widgets';

import { versionsIcon } from './icons';
import type { VersionsModel } from './model';
import { canWrite } from './readonly';
import type { VersionsSidebar } from './sidebar';
import { CommandIDs, SNAPSHOT_SHORTCUT } from './tokens';

/** What the commands act on. */
export interface ICommandContext {
  model: VersionsModel;
  sidebar: VersionsSidebar;
  tracker: INotebookTracker;
  palette: ICommandPalette | null;
}

const CATEGORY = 'Versions';

/** Register every command, its palette entry, menu item, button and shortcut. */
export function addCommands(app: JupyterFrontEnd, context: ICommandContext): void {
  const { model, sidebar, tracker, palette } = context;
  const show = (): void => app.shell.activateById(sidebar.id);
  const hasProject = (): boolean => model.project !== null;
  const expand = (widget: Widget): void => {
    const index = sidebar.widgets.indexOf(widget);
    if (index >= 0) {
      (sidebar.content as AccordionPanel).expand(index);
    }
  };

  app.commands.addCommand(CommandIDs.openSidebar, {
    label: 'Open Versions Sidebar',
    caption: 'Show snapshots of data, models and notebooks',
    icon: versionsIcon,
    execute: show
  });
  app.commands.addCommand(CommandIDs.focusMessage, {
    label: 'Snapshot…',
    caption: 'Write a message and snapshot the notebook, its data and models',
    icon: versionsIcon,
    execute: () => {
      show();
      expand(sidebar.status);
      sidebar.status.focusMessage();
    }
  });
  app.commands.addCommand(CommandIDs.snapshot, {
    label: 'Save and Snapshot Now',
    isEnabled: () => hasProject() && canWrite(model),
    execute: () => sidebar.status.submit()
  });
  app.commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh Versions',
    execute: () => model.refresh()
  });
  app.commands.addCommand(CommandIDs.focusHistory, {
    label: 'Browse Snapshot History',
    execute: () => {
      show();
      expand(sidebar.history);
      sidebar.history.focusList();
    }
  });
  app.commands.addCommand(CommandIDs.openSelected, {
    label: 'Open Selected Snapshot or Diff',
    isEnabled: () => model.selection.length > 0,
    execute: () => sidebar.selected.openSelected()
  });
  app.commands.addCommand(CommandIDs.cellInputs, {
    label: 'Show Cell Data Inputs',
    isEnabled: () => tracker.activeCell?.model.type === 'code',
    execute: () => {
      show();
      expand(sidebar.cell);
    }
  });
  app.commands.addCommand(CommandIDs.rollbackCell, {
    label: 'Roll Back Cell Inputs to Last Snapshot…',
    isEnabled: () => (model.lineage?.runs.length ?? 0) > 0 && canWrite(model),
    execute: async () => {
      const run = model.lineage?.runs[0];
      if (run) {
        show();
        expand(sidebar.cell);
        await sidebar.cell.rollback(run.snapshot);
      }
    }
  });

  for (const command of [
    CommandIDs.openSidebar,
    CommandIDs.focusMessage,
    CommandIDs.snapshot,
    CommandIDs.refresh,
    CommandIDs.focusHistory,
    CommandIDs.openSelected,
    CommandIDs.cellInputs,
    CommandIDs.rollbackCell
  ]) {
    palette?.addItem({ command, category: CATEGORY });
  }

  app.contextMenu.addItem({
    command: CommandIDs.cellInputs,
    selector: '.jp-Notebook .jp-CodeCell',
    rank: 20
  });
  app.contextMenu.addItem({
    command: CommandIDs.rollbackCell,
    selector: '.jp-Notebook .jp-CodeCell',
    rank: 21
  });

  app.commands.addKeyBinding({
    command: CommandIDs.focusMessage,
    keys: SNAPSHOT_SHORTCUT,
    selector: 'body'
  });

  app.docRegistry.addWidgetExtension('Notebook', {
    createNew: (panel: NotebookPanel) => {
      const button = new ToolbarButton({
        icon: versionsIcon,
        tooltip: 'Snapshot this notebook, its data and models',
        onClick: () => void app.commands.execute(CommandIDs.focusMessage)
      });
      button.addClass('jp-mlversion-toolbar-button');
      panel.toolbar.insertItem(10, 'mlversionSnapshot', button);
      return button;
    }
  });
}

/**
 * Wires branches and merge into the Versions panel: the branch bar and the merge banner in its
 * header, lanes in its history, the conflict views in the main area, and the commands.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { DocumentWidget } from '@jupyterlab/docregistry';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';

import { BranchesModel } from './branchmodel';
import type { IMergeFile } from './branchtypes';
import type { VersionsModel } from './model';
import type { ISides } from './mergetext';
import type { VersionsSidebar } from './sidebar';
import { BranchCommandIDs } from './tokens';
import { HistoryLanes } from './widgets/branchlanes';
import { BranchBar } from './widgets/branches';
import { MergeBanner, startMerge } from './widgets/merge';
import { NotebookMergeView } from './widgets/mergeview';
import { TableConflictView } from './widgets/rowconflicts';
import type { INotebookDiffContext } from './widgets/notebookdiff';

/** What the branch UI is built on. */
export interface IBranchSetup {
  model: VersionsModel;
  sidebar: VersionsSidebar;
  tracker: INotebookTracker;
  palette: ICommandPalette | null;
  context: INotebookDiffContext;
}

/** Where the followed project's files sit below the server root ('' = the root; null = unknown). */
export function projectPrefix(model: VersionsModel): string | null {
  const notebook = model.notebook;
  const inProject = model.project?.notebook;
  if (!notebook || !inProject || !notebook.endsWith(inProject)) {
    return null;
  }
  return notebook.slice(0, notebook.length - inProject.length);
}

/** Open documents of the project (or just the followed notebook when its place is unknown). */
function projectDocuments(app: JupyterFrontEnd, model: VersionsModel): DocumentWidget[] {
  const prefix = projectPrefix(model);
  const documents: DocumentWidget[] = [];
  for (const widget of app.shell.widgets('main')) {
    if (!(widget instanceof DocumentWidget)) {
      continue;
    }
    const path = widget.context.path;
    if (prefix === null ? path === model.notebook : path.startsWith(prefix)) {
      documents.push(widget);
    }
  }
  return documents;
}

/** Build the branch UI into the panel; returns its model. */
export function addBranches(app: JupyterFrontEnd, setup: IBranchSetup): BranchesModel {
  const { model, sidebar, palette, context } = setup;
  const branches = new BranchesModel(model);

  // Unsaved edits go to disk first, so a switch or merge keeps them (in a safety snapshot).
  const saveFirst = async (): Promise<void> => {
    await Promise.all(
      projectDocuments(app, model)
        .filter(doc => doc.context.model.dirty && !doc.context.model.readOnly)
        .map(doc => doc.context.save())
    );
  };
  // The working tree changed under open documents: show what is on disk now. Every one is
  // reloaded, dirty or not: they were saved before the change (and kept in a safety snapshot),
  // and a stale copy saved later would overwrite what the switch, merge or resolution wrote.
  const reload = async (): Promise<void> => {
    await Promise.all(
      projectDocuments(app, model).map(doc => doc.context.revert().catch(() => undefined))
    );
  };
  const views = new Map<string, MainAreaWidget>();
  const openConflict = (file: IMergeFile, sides: ISides): void => {
    const open = views.get(file.path);
    if (open && !open.isDisposed) {
      app.shell.activateById(open.id);
      return;
    }
    const content: Widget =
      file.kind === 'notebook'
        ? new NotebookMergeView(branches, file, sides, context)
        : new TableConflictView(branches, file, sides);
    const widget = new MainAreaWidget({ content });
    widget.id = `jp-mlversion-merge-${encodeURIComponent(file.path)}`;
    widget.title.label = content.title.label;
    widget.title.caption = content.title.caption;
    widget.title.closable = true;
    // The view closes itself once the conflict is settled.
    content.disposed.connect(() => {
      if (!widget.isDisposed) {
        widget.dispose();
      }
    });
    widget.disposed.connect(() => {
      views.delete(file.path);
      void reload();
    });
    views.set(file.path, widget);
    app.shell.add(widget, 'main');
    app.shell.activateById(widget.id);
  };
  const mergeHost = { saveFirst, reload, openConflict };
  const bar = new BranchBar(branches, {
    saveFirst,
    reload,
    startMerge: () => startMerge(branches, mergeHost)
  });
  const banner = new MergeBanner(branches, mergeHost);
  // Under the title and the notebook's name, above the status and the snapshot form.
  sidebar.header.insertWidget(2, bar);
  sidebar.header.insertWidget(3, banner);
  new HistoryLanes(sidebar.history, model, branches);

  const show = (): void => app.shell.activateById(sidebar.id);
  const ready = (): boolean => branches.current !== '' && model.busy === '';
  app.commands.addCommand(BranchCommandIDs.switchBranch, {
    label: 'Switch Branch…',
    caption: 'Move the project to another branch',
    isEnabled: ready,
    execute: () => {
      show();
      bar.openMenu();
    }
  });
  app.commands.addCommand(BranchCommandIDs.newBranch, {
    label: 'New Branch…',
    caption: 'Create a branch at the current snapshot and switch to it',
    isEnabled: ready,
    execute: () => bar.createBranch()
  });
  app.commands.addCommand(BranchCommandIDs.merge, {
    label: 'Merge into Current Branch…',
    caption: 'Preview and merge another branch into the current one',
    isEnabled: () => ready() && branches.others.length > 0 && branches.merge === null,
    execute: () => startMerge(branches, mergeHost)
  });
  app.commands.addCommand(BranchCommandIDs.abortMerge, {
    label: 'Abort Merge',
    isEnabled: () => branches.merge !== null,
    execute: () => {
      show();
      return banner.abort();
    }
  });
  for (const command of [
    BranchCommandIDs.switchBranch,
    BranchCommandIDs.newBranch,
    BranchCommandIDs.merge,
    BranchCommandIDs.abortMerge
  ]) {
    palette?.addItem({ command, category: 'Versions' });
  }
  return branches;
}

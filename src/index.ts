/**
 * The JupyterLab plugin: wires the model, the sidebar, the save handshake and the commands.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { addBranches } from './branchsetup';
import { addCommands } from './commands';
import { lineageHooks } from './lineage/wiring';
import { VersionsModel } from './model';
import { showProgress } from './progressnote';
import { kernelSettled } from './kernelsettle';
import { followRestores } from './restorefollow';
import { attachKernel } from './savehandshake';
import { VersionsSidebar } from './sidebar';
import { PLUGIN_ID } from './tokens';
import { DetailsWidget } from './widgets/details';

/** Rank in the left sidebar: after the file browser, git and the table of contents. */
const SIDEBAR_RANK = 600;

/** Serve the save handshake on every kernel the notebook gets. */
function serveSaves(panel: NotebookPanel): void {
  const saveable = { save: () => panel.context.save() };
  const attach = (): void => {
    const kernel = panel.sessionContext.session?.kernel;
    if (kernel) {
      void attachKernel(kernel, saveable);
    }
  };
  panel.sessionContext.kernelChanged.connect(attach);
  void panel.sessionContext.ready.then(attach);
}

/** Refresh the status when the followed notebook is saved: its changed cells are on disk now. */
/** Wait after the last cell of a run finished before asking the server for the status. */
const RUN_REFRESH_DELAY_MS = 500;

function refreshOnSave(panel: NotebookPanel, model: VersionsModel): void {
  panel.context.saveState.connect((_, state) => {
    if (state === 'completed' && model.project && panel.context.path === model.notebook) {
      void model.refreshStatus();
    }
  });
}

/** Cells that ran change what the next snapshot records: refresh the status once they settle. */
function refreshOnRun(model: VersionsModel): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  NotebookActions.executed.connect((_, { notebook }) => {
    const panel = notebook.parent;
    if (!(panel instanceof NotebookPanel) || panel.context.path !== model.notebook) {
      return;
    }
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      timer = null;
      if (model.project) {
        void model.refreshStatus();
      }
    }, RUN_REFRESH_DELAY_MS);
  });
}

/** Follow the active notebook and its active cell. */
function followNotebook(tracker: INotebookTracker, model: VersionsModel): void {
  const onCell = (): void => {
    const panel = tracker.currentWidget;
    const cell = panel?.content.activeCell;
    // A cell being inserted has no id for a moment: there is no lineage to ask for yet.
    if (!panel || !cell || cell.model.type !== 'code' || !cell.model.id) {
      void model.setCell(null);
      return;
    }
    void model.setCell({ id: cell.model.id, index: panel.content.activeCellIndex });
  };
  tracker.currentChanged.connect(() => {
    void model.setNotebook(tracker.currentWidget?.context.path ?? null).then(onCell);
  });
  tracker.activeCellChanged.connect(onCell);
  const setUp = (panel: NotebookPanel): void => {
    serveSaves(panel);
    refreshOnSave(panel, model);
  };
  tracker.widgetAdded.connect((_, panel) => setUp(panel));
  refreshOnRun(model);
  tracker.forEach(setUp);
  if (tracker.currentWidget) {
    void model.setNotebook(tracker.currentWidget.context.path).then(onCell);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Version control of data, models and notebooks',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ICommandPalette, ILayoutRestorer, IEditorServices],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    editors: IEditorServices | null
  ): void => {
    const model = new VersionsModel();
    const editorFactory = editors?.factoryService.newInlineEditor.bind(editors.factoryService);
    const openDetails = (refs: string[]): void => {
      const content = new DetailsWidget(model, refs, { rendermime, editorFactory });
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-mlversion-details-${refs.join('-')}`;
      widget.title.label = content.title.label;
      widget.title.closable = true;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };
    const sidebar = new VersionsSidebar({
      model,
      saveFirst: async () => {
        const panel = tracker.currentWidget;
        await kernelSettled(panel?.sessionContext.session?.kernel);
        await panel?.context.save();
      },
      openDetails,
      lineage: lineageHooks(app, model, tracker, { rendermime, editorFactory }),
      rerun: async () => {
        const panel = tracker.currentWidget;
        const cell = model.cell;
        if (!panel || !cell) {
          return;
        }
        panel.content.activeCellIndex = cell.index;
        await NotebookActions.run(panel.content, panel.sessionContext);
      }
    });
    app.shell.add(sidebar, 'left', { rank: SIDEBAR_RANK });
    restorer?.add(sidebar, sidebar.id);

    model.failed.connect((_, message) => {
      Notification.error(message, { autoClose: 8000 });
    });
    showProgress(model);

    followNotebook(tracker, model);
    followRestores(app, model, tracker);
    addCommands(app, { model, sidebar, tracker, palette });
    addBranches(app, { model, sidebar, tracker, palette, context: { rendermime, editorFactory } });
  }
};

export default plugin;

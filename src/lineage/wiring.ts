/**
 * Wiring of the lineage and reproduce views into the application: main-area tabs, and
 * opening a cell or a file that a lineage node names.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';

import type { VersionsModel } from '../model';
import type { INotebookDiffContext } from '../widgets/notebookdiff';
import { LineageWidget, lineageContentId } from '../widgets/lineageView';
import { ReproduceWidget } from '../widgets/reproduce';
import type { IReproduceReport } from './types';

/** How long a new lineage tab waits for its graph before it shows "Loading…" instead. */
const REVEAL_AFTER_MS = 150;

/** What the sidebar calls to open the lineage and reproduce tabs. */
export interface ILineageHooks {
  openLineage(file: string): void;
  openReproduce(report: IReproduceReport): void;
}

/** A project-relative path as the server root names it (`root` is `.` or a folder). */
export function serverPath(root: string, path: string): string {
  return root === '.' || root === '' ? path : `${root.replace(/\/$/, '')}/${path}`;
}

/** The hooks, opening tabs in `app`'s main area. */
export function lineageHooks(
  app: JupyterFrontEnd,
  model: VersionsModel,
  tracker: INotebookTracker,
  diffs: INotebookDiffContext
): ILineageHooks {
  const tabs = new Map<string, MainAreaWidget>();
  const show = (content: Widget): void => {
    // Asking again for the same cell's report replaces its tab with fresh data.
    tabs.get(content.id)?.dispose();
    const widget = new MainAreaWidget({ content });
    tabs.set(content.id, widget);
    widget.disposed.connect(() => {
      if (tabs.get(content.id) === widget) {
        tabs.delete(content.id);
      }
    });
    widget.id = `${content.id}-tab`;
    widget.title.label = content.title.label;
    widget.title.closable = true;
    app.shell.add(widget, 'main');
    app.shell.activateById(widget.id);
  };
  const root = (): string => model.project?.root ?? '.';
  const openFile = async (path: string): Promise<void> => {
    await app.commands.execute('docmanager:open', { path: serverPath(root(), path) });
  };
  const openCell = async (notebook: string, cellId: string): Promise<void> => {
    const path = serverPath(root(), notebook);
    await app.commands.execute('docmanager:open', { path });
    const panel = tracker.find(p => p.context.path === path);
    if (!panel) {
      return;
    }
    await panel.context.ready;
    const index = panel.content.widgets.findIndex(cell => cell.model.id === cellId);
    if (index >= 0) {
      panel.content.activeCellIndex = index;
      await panel.content.scrollToItem(index);
    }
  };
  return {
    openLineage: file => {
      // Asked again for an open file: reload that tab in place. A new tab makes the shell lay
      // the main area out again, which took longer than the query and the drawing together.
      const open = tabs.get(lineageContentId(file))?.content;
      if (open instanceof LineageWidget) {
        void open.load();
        app.shell.activateById(`${open.id}-tab`);
        return;
      }
      const content = new LineageWidget(model, file, { ...diffs, openCell, openFile });
      // The tab appears with its graph drawn: one layout of the main area, not one for the
      // tab and another for the graph (on 2 cores the first also slows the server's answer).
      // A server that takes longer than a moment gets the tab, saying "Loading…", meanwhile.
      let shown = false;
      const reveal = (): void => {
        if (!shown) {
          shown = true;
          show(content);
        }
      };
      const timer = window.setTimeout(reveal, REVEAL_AFTER_MS);
      void content.load().finally(() => {
        window.clearTimeout(timer);
        reveal();
      });
    },
    openReproduce: report => show(new ReproduceWidget(report, diffs))
  };
}

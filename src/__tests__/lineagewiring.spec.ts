/**
 * @jest-environment jsdom
 */
/**
 * Opening a lineage tab: the tab appears once its graph is drawn (one layout of the main
 * area), or after a moment with "Loading…" when the server is slow; asked again, the open tab
 * reloads in place.
 */
import './dragevent';
import { fakeApi } from './fakeapi';

const api = fakeApi(10);
jest.mock('../api', () => ({ API: api }));
jest.mock('../widgets/notebookdiff', () => ({ notebookDiff: jest.fn() }));
// JupyterLab's apputils ships ES modules Jest does not load; a tab here is a plain widget.
jest.mock('@jupyterlab/apputils', () => {
  const { Widget } = jest.requireActual('@lumino/widgets');
  class MainAreaWidget extends Widget {
    constructor(options: { content: { node: HTMLElement } }) {
      super();
      this.content = options.content;
      this.node.appendChild(options.content.node);
    }
    content: unknown;
  }
  return { MainAreaWidget };
});

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';

import { lineageHooks } from '../lineage/wiring';
import type { ILineageGraph } from '../lineage/types';
import { VersionsModel } from '../model';
import type { INotebookDiffContext } from '../widgets/notebookdiff';

const graph = (): ILineageGraph =>
  ({
    path: 'models/m.pkl',
    depth: 50,
    max_nodes: 500,
    roots: ['version:models/m.pkl@0'],
    truncated: false,
    nodes: [
      {
        id: 'version:models/m.pkl@0',
        kind: 'version',
        label: 'models/m.pkl@v0',
        path: 'models/m.pkl',
        version: 0,
        snapshot: 'snap0',
        hops: 0
      }
    ],
    edges: []
  }) as unknown as ILineageGraph;

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>(r => (resolve = r));
  return { promise, resolve };
}

async function setUp() {
  const added: Widget[] = [];
  const app = {
    shell: { add: (widget: Widget) => added.push(widget), activateById: jest.fn() },
    commands: { execute: jest.fn() }
  } as unknown as JupyterFrontEnd;
  const model = new VersionsModel();
  await model.setNotebook('work/train.ipynb');
  const hooks = lineageHooks(
    app,
    model,
    {} as INotebookTracker,
    {} as unknown as INotebookDiffContext
  );
  return { hooks, added, app };
}

const drawn = (tab: Widget): number =>
  tab.node.querySelectorAll('.jp-mlversion-LineageGraph').length;

describe('lineageHooks.openLineage', () => {
  beforeEach(() => api.lineageGraph.mockClear());
  afterEach(() => jest.useRealTimers());

  it('adds the tab when its graph is drawn, not before', async () => {
    const { hooks, added } = await setUp();
    const answer = deferred<ILineageGraph>();
    api.lineageGraph.mockReturnValueOnce(answer.promise as never);
    hooks.openLineage('models/m.pkl');
    await Promise.resolve();
    expect(added).toHaveLength(0);
    answer.resolve(graph());
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(added).toHaveLength(1);
    expect(drawn(added[0])).toBe(1);
  });

  it('shows the tab saying "Loading…" when the server takes longer than a moment', async () => {
    jest.useFakeTimers();
    const { hooks, added } = await setUp();
    const answer = deferred<ILineageGraph>();
    api.lineageGraph.mockReturnValueOnce(answer.promise as never);
    hooks.openLineage('models/m.pkl');
    jest.advanceTimersByTime(100);
    expect(added).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(added).toHaveLength(1);
    expect(added[0].node.textContent).toContain('Loading…');
    jest.useRealTimers();
    answer.resolve(graph());
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(added).toHaveLength(1); // the same tab, now drawn
    expect(drawn(added[0])).toBe(1);
  });

  it('reloads an open tab in place instead of adding another', async () => {
    const { hooks, added } = await setUp();
    api.lineageGraph.mockResolvedValueOnce(graph() as never);
    hooks.openLineage('models/m.pkl');
    await new Promise(resolve => setTimeout(resolve, 0));
    api.lineageGraph.mockResolvedValueOnce(graph() as never);
    hooks.openLineage('models/m.pkl');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(added).toHaveLength(1);
    expect(api.lineageGraph).toHaveBeenCalledTimes(2);
  });
});

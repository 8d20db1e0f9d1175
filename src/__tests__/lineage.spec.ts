/**
 * @jest-environment jsdom
 */
/**
 * The lineage graph's layout and drawing, the reproduce verdict and follow rules, over a
 * model fed by a fake API module.
 */
import './dragevent';
import { fakeApi } from './fakeapi';

const api = fakeApi(10);
jest.mock('../api', () => ({ API: api }));
// nbdime ships ES modules Jest does not load; the notebook renderer is not under test here.
jest.mock('../widgets/notebookdiff', () => ({ notebookDiff: jest.fn() }));

import { Widget } from '@lumino/widgets';

import { layoutGraph, NODE_WIDTH } from '../lineage/layout';
import type { ILineageGraph, IReproduceReport } from '../lineage/types';
import { VersionsModel } from '../model';
import { followProblem } from '../widgets/follow';
import { LineageGraphView } from '../widgets/lineageGraph';
import { LineageWidget, versionDiffRefs } from '../widgets/lineageView';
import type { ILineageContext } from '../widgets/lineageView';
import { NamesPanel } from '../widgets/namespanel';
import { differences, ReproducePanel } from '../widgets/reproduce';

/** data -> features -> model, as the server sends it (hops counted from the model). */
function chain(): ILineageGraph {
  const version = (path: string, v: number, hops: number) => ({
    id: `version:${path}@${v}`,
    kind: 'version' as const,
    label: `${path}@v${v}`,
    path,
    version: v,
    snapshot: `snap${hops}`,
    hops
  });
  const cell = (id: string, hops: number) => ({
    id: `cell:nb.ipynb:${id}@snap${hops}`,
    kind: 'cell' as const,
    label: `${id} [${hops}]`,
    cell_id: id,
    notebook: 'nb.ipynb',
    snapshot: `snap${hops}`,
    hops
  });
  const file = (path: string) => ({ id: `file:${path}`, kind: 'file' as const, label: path, path });
  const nodes = [
    file('models/m.pkl'),
    version('models/m.pkl', 1, 0),
    cell('train', 1),
    file('data/features.csv'),
    version('data/features.csv', 1, 1),
    cell('features', 2),
    file('data/raw.csv'),
    version('data/raw.csv', 0, 2)
  ];
  const e = (source: string, target: string, kind: 'read' | 'wrote' | 'version') => ({
    source,
    target,
    kind
  });
  return {
    path: 'models/m.pkl',
    depth: 50,
    max_nodes: 500,
    roots: ['version:models/m.pkl@1'],
    truncated: false,
    nodes,
    edges: [
      e('file:models/m.pkl', 'version:models/m.pkl@1', 'version'),
      e('cell:nb.ipynb:train@snap1', 'version:models/m.pkl@1', 'wrote'),
      e('version:data/features.csv@1', 'cell:nb.ipynb:train@snap1', 'read'),
      e('file:data/features.csv', 'version:data/features.csv@1', 'version'),
      e('cell:nb.ipynb:features@snap2', 'version:data/features.csv@1', 'wrote'),
      e('version:data/raw.csv@0', 'cell:nb.ipynb:features@snap2', 'read'),
      e('file:data/raw.csv', 'version:data/raw.csv@0', 'version')
    ]
  };
}

/** A wide graph of `count` nodes: `count / 3` independent file -> version -> cell chains. */
function wide(count: number): ILineageGraph {
  const graph: ILineageGraph = {
    path: 'x',
    depth: 50,
    max_nodes: 500,
    roots: [],
    truncated: false,
    nodes: [],
    edges: []
  };
  for (let i = 0; graph.nodes.length < count; i++) {
    const v = {
      id: `version:f${i}@0`,
      kind: 'version' as const,
      label: `f${i}@v0`,
      path: `f${i}`,
      version: 0,
      hops: 1
    };
    const c = {
      id: `cell:c${i}`,
      kind: 'cell' as const,
      label: `c${i}`,
      cell_id: `c${i}`,
      hops: 1
    };
    const f = { id: `file:f${i}`, kind: 'file' as const, label: `f${i}` };
    graph.nodes.push(v, c, f);
    graph.edges.push(
      { source: v.id, target: c.id, kind: 'read' },
      { source: f.id, target: v.id, kind: 'version' }
    );
  }
  return graph;
}

describe('layoutGraph', () => {
  it('puts data on the left and the asked file on the right, a cell between', () => {
    const { placed } = layoutGraph(chain());
    const x = (id: string) => placed.get(id)!.x;
    expect(x('version:data/raw.csv@0')).toBeLessThan(x('cell:nb.ipynb:features@snap2'));
    expect(x('cell:nb.ipynb:features@snap2')).toBeLessThan(x('version:data/features.csv@1'));
    expect(x('version:data/features.csv@1')).toBeLessThan(x('cell:nb.ipynb:train@snap1'));
    expect(x('cell:nb.ipynb:train@snap1')).toBeLessThan(x('version:models/m.pkl@1'));
    // A file stands in the column of its version, above or below it, never on top of it.
    expect(x('file:models/m.pkl')).toBe(x('version:models/m.pkl@1'));
    expect(placed.get('file:models/m.pkl')!.y).not.toBe(placed.get('version:models/m.pkl@1')!.y);
    expect(layoutGraph(chain())).toEqual(layoutGraph(chain()));
  });

  it('keeps columns apart by a box and a gap', () => {
    const { placed, width } = layoutGraph(chain());
    const columns = [...new Set([...placed.values()].map(p => p.x))].sort((a, b) => a - b);
    expect(columns.length).toBe(5);
    expect(columns[1] - columns[0]).toBeGreaterThan(NODE_WIDTH);
    expect(width).toBe(columns[4] + NODE_WIDTH);
  });
});

describe('LineageGraphView', () => {
  it('draws every node and edge, and a click selects and opens', () => {
    const opened: string[] = [];
    const view = new LineageGraphView(chain(), {
      openCell: n => opened.push(`cell ${n.cell_id}`),
      openVersion: n => opened.push(`version ${n.label}`),
      openFile: n => opened.push(`file ${n.label}`)
    });
    Widget.attach(view, document.body);
    expect(view.node.querySelectorAll('.jp-mlversion-lineage-node')).toHaveLength(8);
    expect(view.node.querySelectorAll('.jp-mlversion-lineage-edge')).toHaveLength(7);
    const box = view.node.querySelector('[data-id="version:data/features.csv@1"] rect')!;
    box.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(opened).toEqual(['version data/features.csv@v1']);
    expect(view.selected).toBe('version:data/features.csv@1');
    // Its three edges (version, written by features, read by train) are lit.
    expect(view.node.querySelectorAll('.jp-mod-lit')).toHaveLength(3);
    view.node
      .querySelector('[data-id="cell:nb.ipynb:train@snap1"]')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(opened[1]).toBe('cell train');
    expect(view.node.querySelectorAll('.jp-mod-selected')).toHaveLength(1);
    view.dispose();
  });

  it('draws 200 nodes and selects one quickly', () => {
    const view = new LineageGraphView(wide(200), {
      openCell: () => undefined,
      openVersion: () => undefined,
      openFile: () => undefined
    });
    expect(view.node.querySelectorAll('.jp-mlversion-lineage-node').length).toBeGreaterThanOrEqual(
      200
    );
    expect(view.select('cell:c7')).toBeLessThan(100);
    view.dispose();
  });

  it('diffs a version against the one before it', () => {
    const node = chain().nodes[1];
    expect(versionDiffRefs(node)).toEqual(['models/m.pkl@v0', 'models/m.pkl@v1']);
    expect(versionDiffRefs({ ...node, version: 0 })).toBeNull();
  });
});

describe('LineageWidget', () => {
  it('reloads in place: the new graph replaces the drawing and what a click opened', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const context = {
      openCell: async () => undefined,
      openFile: async () => undefined
    } as unknown as ILineageContext;
    const tab = new LineageWidget(model, 'models/m.pkl', context);
    Widget.attach(tab, document.body);
    api.lineageGraph.mockResolvedValueOnce(chain() as never);
    await tab.load();
    const first = tab.view!;
    // A first version opens a note in the pane (no request).
    first.node
      .querySelector('[data-id="version:data/raw.csv@0"] rect')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(tab.node.querySelector('.jp-mlversion-lineage-pane')?.textContent).toMatch(
      /first version/
    );
    api.lineageGraph.mockResolvedValueOnce(wide(30) as never);
    await tab.load();
    expect(first.isDisposed).toBe(true);
    expect(tab.node.querySelectorAll('.jp-mlversion-LineageGraph')).toHaveLength(1);
    expect(tab.node.querySelectorAll('.jp-mlversion-lineage-node')).toHaveLength(30);
    expect(tab.node.querySelector('.jp-mlversion-lineage-pane')?.textContent).toBe('');
    tab.dispose();
  });
});

describe('follow rules', () => {
  it('accepts max/min METRIC only', () => {
    expect(followProblem('max accuracy')).toBeNull();
    expect(followProblem('min loss')).toBeNull();
    expect(followProblem('')).toBeNull();
    expect(followProblem('best accuracy')).toMatch(/max METRIC/);
  });

  it('shows the rule in the aliases table and sets it from the form', async () => {
    api.aliases.mockResolvedValue({
      aliases: { 'models/m.pkl': { best: 1 } },
      follows: {
        'models/m.pkl': {
          best: { rule: 'max accuracy', mode: 'max', metric: 'accuracy', value: 0.9 }
        }
      }
    } as never);
    api.followAlias.mockResolvedValue({} as never);
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const panel = new NamesPanel(model);
    Widget.attach(panel, document.body);
    expect(panel.node.querySelector('.jp-mlversion-follow')?.textContent).toContain(
      'max accuracy (0.9)'
    );
    const form = panel.node.querySelector('form[aria-label="Set an alias"]') as HTMLFormElement;
    (form.querySelector('[aria-label="Alias file"]') as HTMLInputElement).value = 'models/m.pkl';
    (form.querySelector('[aria-label="Alias name"]') as HTMLInputElement).value = 'lowest';
    (form.querySelector('[aria-label="Alias follows"]') as HTMLInputElement).value = 'min loss';
    form.dispatchEvent(new Event('submit'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(api.followAlias).toHaveBeenCalledWith(
      'work/train.ipynb',
      'models/m.pkl',
      'lowest',
      'min loss',
      undefined
    );
    const unfollow = panel.node.querySelector('[aria-label^="Stop best"]') as HTMLButtonElement;
    unfollow.click();
    expect(api.followAlias).toHaveBeenLastCalledWith(
      'work/train.ipynb',
      'models/m.pkl',
      'best',
      undefined,
      undefined
    );
    panel.dispose();
  });
});

describe('ReproducePanel', () => {
  const report = (reproduced: boolean): IReproduceReport => ({
    cell_id: 'cell-1',
    notebook: 'train.ipynb',
    at: 'a'.repeat(40),
    recorded_in: 'b'.repeat(40),
    reproduced,
    outputs: { same: reproduced, detail: null, note: null },
    files: [
      {
        path: 'models/m.pkl',
        status: reproduced ? 'same' : 'differs',
        recorded: 'x',
        now: 'y',
        diff: null
      }
    ],
    metrics: [{ name: 'accuracy', recorded: 0.9, now: reproduced ? 0.9 : 0.8, same: reproduced }],
    notes: []
  });

  it('names each difference', () => {
    expect(differences(report(true))).toEqual([]);
    expect(differences(report(false))).toEqual([
      'outputs differ',
      'models/m.pkl: differs',
      'accuracy: 0.9000 → 0.8000'
    ]);
  });

  it('saves first, then shows the verdict for the chosen snapshot', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.setCell({ id: 'cell-1', index: 0 });
    const saved: string[] = [];
    const opened: IReproduceReport[] = [];
    const panel = new ReproducePanel(
      model,
      async () => void saved.push('saved'),
      r => opened.push(r)
    );
    Widget.attach(panel, document.body);
    api.reproduce.mockResolvedValueOnce(report(true) as never);
    const snapshot = model.lineage!.runs[0].snapshot;
    await panel.check(snapshot);
    expect(saved).toEqual(['saved']);
    expect(api.reproduce).toHaveBeenCalledWith('work/train.ipynb', 'cell-1', snapshot);
    expect(panel.node.querySelector('.jp-mlversion-reproduce-verdict')?.textContent).toMatch(
      /^Reproduced/
    );
    api.reproduce.mockResolvedValueOnce(report(false) as never);
    await panel.check(snapshot);
    expect(panel.node.querySelector('.jp-mod-differs')?.textContent).toMatch(/^Differs from b{8}/);
    (
      panel.node.querySelector('.jp-mlversion-reproduce-result button') as HTMLButtonElement
    ).click();
    expect(opened).toHaveLength(1);
    panel.dispose();
  });
});

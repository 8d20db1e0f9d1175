/**
 * An in-memory stand-in for the API module: a project with `count` snapshots, tags and one model.
 */
import type { IJob, IModelVersion, IRegisteredModel, ISnapshot, IStatus, Stage } from '../types';

export function snapshotAt(index: number, count: number): ISnapshot {
  const n = count - 1 - index; // newest first
  return {
    id: `${String(n).padStart(8, '0')}${'a'.repeat(32)}`,
    short_id: String(n).padStart(8, '0'),
    parents: n > 0 ? [`${String(n - 1).padStart(8, '0')}${'a'.repeat(32)}`] : [],
    author: n % 2 ? 'Ada' : 'Grace',
    time: '2024-06-01T12:00:00Z',
    message: n === 0 ? 'Baseline' : `Experiment ${n}`,
    metrics: { accuracy: 0.5 + n / 1000 },
    tags: n === 0 ? ['baseline'] : []
  };
}

/** The server's search: message or author contain it, the id starts with it, or a tag contains it. */
export function matchesQuery(snapshot: ISnapshot, q: string): boolean {
  const text = q.toLowerCase();
  return (
    snapshot.message.toLowerCase().includes(text) ||
    snapshot.author.toLowerCase().includes(text) ||
    snapshot.id.startsWith(text) ||
    (snapshot.tags ?? []).some(tag => tag.toLowerCase().includes(text))
  );
}

/** A status whose notebook has one cell added, one modified and one removed. */
export function statusWithCells(head: string): IStatus {
  return {
    head,
    clean: false,
    tracked: 3,
    changes: [
      { path: 'data/a.csv', status: 'modified', kind: 'dataset' },
      { path: 'train.ipynb', status: 'modified', kind: 'notebook' }
    ],
    suggested_message: 'Update data/a.csv (+20 rows), train.ipynb',
    notebook: {
      path: 'train.ipynb',
      status: 'modified',
      cells: {
        old_cells: 3,
        new_cells: 3,
        added: [{ index: 2, id: 'new-plot', cell_type: 'code' }],
        removed: [{ index: 0, id: 'old-intro', cell_type: 'markdown' }],
        modified: [
          { old_index: 1, new_index: 0, id: 'load', cell_type: 'code', parts: ['source'] }
        ],
        metadata: false
      }
    }
  };
}

export function fakeApi(count = 1000) {
  const calls: string[] = [];
  const job = (result: object): Promise<IJob> =>
    Promise.resolve({ id: 'j1', kind: 'x', status: 'done', progress: {}, result } as IJob);
  const tags: { [name: string]: string } = { baseline: snapshotAt(count - 1, count).id };
  const models: IRegisteredModel[] = [
    {
      name: 'churn',
      versions: [{ model: 'churn', number: 1, path: 'models/m.pkl', stage: 'none' as Stage }]
    }
  ];
  const api = {
    calls,
    project: jest.fn(async (path: string) => {
      calls.push(`project ${path}`);
      if (path.startsWith('outside/')) {
        throw new Error(`no mlversion project at ${path}`);
      }
      return { root: '/p', notebook: path, head: snapshotAt(0, count).id, snapshots: count, tags };
    }),
    status: jest.fn(async (): Promise<IStatus> => ({
      head: snapshotAt(0, count).id,
      clean: false,
      tracked: 2,
      changes: [{ path: 'data/a.csv', status: 'modified' as const, kind: 'dataset' as const }]
    })),
    snapshots: jest.fn(
      async (_: string, o: { offset?: number; limit?: number; file?: string; q?: string }) => {
        const offset = o.offset ?? 0;
        const limit = o.limit ?? 50;
        calls.push(`snapshots ${offset} ${limit} ${o.file ?? ''}${o.q ? ` q=${o.q}` : ''}`);
        let all: ISnapshot[] = [];
        for (let i = 0; i < (o.file ? Math.min(count, 3) : count); i++) {
          all.push(snapshotAt(i, count));
        }
        if (o.q) {
          all = all.filter(s => matchesQuery(s, o.q!));
        }
        return { items: all.slice(offset, offset + limit), total: all.length, offset, limit };
      }
    ),
    createSnapshot: jest.fn(async () =>
      job({ created: true, snapshot: snapshotAt(0, count), changes: [], warnings: [] })
    ),
    snapshot: jest.fn(),
    diff: jest.fn(),
    diffFile: jest.fn(),
    restoreCell: jest.fn(async (_: string, _cell: string, to: string, dryRun: boolean) =>
      job({ target: to, dry_run: dryRun, items: [{ path: 'data/a.csv', action: 'write' }] })
    ),
    restorePaths: jest.fn(),
    tags: jest.fn(async () => ({ tags: { ...tags } })),
    createTag: jest.fn(async (_: string, name: string, ref: string) => {
      tags[name] = ref;
      return { tags };
    }),
    deleteTag: jest.fn(async (_: string, name: string) => {
      delete tags[name];
    }),
    versions: jest.fn(),
    aliases: jest.fn(async () => ({ aliases: { 'models/m.pkl': { best: 1 } } })),
    setAlias: jest.fn(),
    removeAlias: jest.fn(),
    models: jest.fn(async () => ({
      models: JSON.parse(JSON.stringify(models)) as IRegisteredModel[]
    })),
    registerModel: jest.fn(async (_: string, name: string, ref: string, description?: string) => {
      const [path, v] = ref.split('@');
      let model = models.find(m => m.name === name);
      if (!model) {
        model = { name, description: description ?? '', versions: [] };
        models.push(model);
      }
      const version: IModelVersion = {
        model: name,
        number: model.versions.length + 1,
        path,
        artifact_version: Number(v.replace(/^v/, '')),
        stage: 'none'
      };
      model.versions.push(version);
      return version;
    }),
    promoteModel: jest.fn(async () => ({
      model: 'churn',
      number: 1,
      path: 'models/m.pkl',
      stage: 'production' as Stage
    })),
    registryHistory: jest.fn(),
    lineage: jest.fn(async (_: string, cellId: string) => ({
      cell_id: cellId,
      runs: [
        {
          snapshot: snapshotAt(0, count).id,
          time: '2024-06-01T12:00:00Z',
          message: 'm',
          reads: [{ path: 'data/a.csv', id: 'x', version: 1 }],
          writes: []
        }
      ]
    })),
    lineageGraph: jest.fn(),
    reproduce: jest.fn(),
    followAlias: jest.fn(),
    job: jest.fn()
  };
  return api;
}

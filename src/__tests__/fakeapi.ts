/**
 * An in-memory stand-in for the API module: a project with `count` snapshots, tags and one model.
 */
import type { IJob, ISnapshot, Stage } from '../types';

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

export function fakeApi(count = 1000) {
  const calls: string[] = [];
  const job = (result: object): Promise<IJob> =>
    Promise.resolve({ id: 'j1', kind: 'x', status: 'done', progress: {}, result } as IJob);
  const tags: { [name: string]: string } = { baseline: snapshotAt(count - 1, count).id };
  const api = {
    calls,
    project: jest.fn(async (path: string) => {
      calls.push(`project ${path}`);
      if (path.startsWith('outside/')) {
        throw new Error(`no mlversion project at ${path}`);
      }
      return { root: '/p', notebook: path, head: snapshotAt(0, count).id, snapshots: count, tags };
    }),
    status: jest.fn(async () => ({
      head: snapshotAt(0, count).id,
      clean: false,
      tracked: 2,
      changes: [{ path: 'data/a.csv', status: 'modified' as const, kind: 'dataset' as const }]
    })),
    snapshots: jest.fn(async (_: string, o: { offset?: number; limit?: number; file?: string }) => {
      const offset = o.offset ?? 0;
      const limit = o.limit ?? 50;
      calls.push(`snapshots ${offset} ${limit} ${o.file ?? ''}`);
      const total = o.file ? Math.min(count, 3) : count;
      const items = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) {
        items.push(snapshotAt(i, count));
      }
      return { items, total, offset, limit };
    }),
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
      models: [
        {
          name: 'churn',
          versions: [{ model: 'churn', number: 1, path: 'models/m.pkl', stage: 'none' as Stage }]
        }
      ]
    })),
    registerModel: jest.fn(),
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
    job: jest.fn()
  };
  return api;
}

/**
 * Branch and merge routes for the fake API: two branches and a merge that stops on two
 * conflicts (a notebook cell and a table row) until each is resolved.
 */
import type { IBranch, IMergeFile, IMergePreview, IMergeState } from '../branchtypes';
import type { IJob } from '../types';
import { fakeApi, snapshotAt } from './fakeapi';

export const FEATURE_HEAD = `${'f'.repeat(8)}${'b'.repeat(32)}`;

/** The conflicts the fake merge stops on. */
export function conflicts(): IMergeFile[] {
  return [
    {
      path: 'train.ipynb',
      kind: 'notebook',
      outcome: 'conflict',
      cells: [
        { id: 'load', outcome: 'conflict' },
        { id: 'plot', outcome: 'theirs' }
      ]
    },
    {
      path: 'data/a.csv',
      kind: 'dataset',
      outcome: 'conflict',
      rows: [
        {
          key: 3,
          outcome: 'conflict',
          base: { id: 3, label: 0 },
          ours: { id: 3, label: 1 },
          theirs: { id: 3, label: 2 }
        }
      ]
    }
  ];
}

export function previewOf(): IMergePreview {
  return {
    fast_forward: false,
    up_to_date: false,
    base: snapshotAt(1, 20).id,
    ours: snapshotAt(0, 20).id,
    theirs: FEATURE_HEAD,
    files: [
      {
        path: 'train.ipynb',
        kind: 'notebook',
        outcome: 'conflict',
        cells: { merged: 2, conflict: 1 }
      },
      { path: 'data/a.csv', kind: 'dataset', outcome: 'merged', rows: { ours: 1, theirs: 3 } },
      { path: 'models/m.pkl', kind: 'model', outcome: 'theirs' }
    ]
  };
}

export function withBranches(count = 20) {
  const api = fakeApi(count);
  const state = {
    current: 'main',
    heads: { main: snapshotAt(0, count).id, feature: FEATURE_HEAD } as { [name: string]: string },
    merge: null as IMergeState | null
  };
  const job = (result: object, kind = 'x'): Promise<IJob> =>
    Promise.resolve({ id: 'j', kind, status: 'done', progress: {}, result } as IJob);
  const list = (): { current: string; branches: IBranch[] } => ({
    current: state.current,
    branches: Object.entries(state.heads).map(([name, head]) => ({
      name,
      head,
      current: name === state.current,
      ahead: name === 'feature' ? 2 : 0,
      behind: name === 'feature' ? 1 : 0,
      merged: name !== 'feature'
    }))
  });
  const branchApi = {
    state,
    branches: jest.fn(async () => list()),
    createBranch: jest.fn(async (_: string, name: string, ref?: string) => {
      if (name in state.heads) {
        throw new Error(`branch '${name}' exists; pick another name`);
      }
      state.heads[name] = ref ?? state.heads[state.current];
      return list();
    }),
    deleteBranch: jest.fn(async (_: string, name: string) => {
      delete state.heads[name];
    }),
    switchBranch: jest.fn(
      async (_: string, branch: string, options: { create?: boolean; dryRun?: boolean } = {}) => {
        if (!options.dryRun) {
          if (options.create) {
            state.heads[branch] = state.heads[state.current];
          }
          state.current = branch;
        }
        return job(
          {
            branch,
            target: branch,
            dry_run: Boolean(options.dryRun),
            safety_snapshot: options.dryRun ? null : `${'5'.repeat(8)}${'a'.repeat(32)}`,
            items: [{ path: 'data/a.csv', action: 'write' }]
          },
          'switch'
        );
      }
    ),
    mergePreview: jest.fn(async () => previewOf()),
    merge: jest.fn(async (_: string, branch: string) => {
      state.merge = { in_progress: true, branch, conflicts: conflicts() };
      return job({ state: 'conflicts', conflicts: conflicts() }, 'merge');
    }),
    mergeState: jest.fn(async (): Promise<IMergeState> => state.merge ?? { in_progress: false }),
    mergeAbort: jest.fn(async () => {
      state.merge = null;
      return job({ state: 'aborted' }, 'merge-abort');
    }),
    mergeContinue: jest.fn(async () => {
      const open = (state.merge?.conflicts ?? []).filter(c => !c.resolved);
      if (open.length) {
        throw new Error(`${open.length} conflicts left: resolve ${open[0].path} first`);
      }
      state.merge = null;
      return job({ state: 'merged', snapshot: `${'e'.repeat(8)}${'a'.repeat(32)}` }, 'merge');
    }),
    mergeResolve: jest.fn(
      async (_: string, file: string, side: string | null, content?: string) => {
        const conflict = state.merge?.conflicts?.find(c => c.path === file);
        if (!conflict) {
          throw new Error(`${file} is not in conflict`);
        }
        conflict.resolved = true;
        conflict.detail = side ?? (content === undefined ? 'as edited' : 'content');
        return state.merge!;
      }
    ),
    notebookMerge: jest.fn()
  };
  return Object.assign(api, branchApi);
}

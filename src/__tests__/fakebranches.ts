/**
 * Branch and merge routes for the fake API: two branches and a merge that stops on two
 * conflicts (a notebook cell and a table row) until each is resolved.
 */
import type { IBranch, IMergeFile, IMergePreview, IMergeState } from '../branchtypes';
import type { IJob } from '../types';
import { fakeApi, snapshotAt } from './fakeapi';

export const FEATURE_HEAD = `${'f'.repeat(8)}${'b'.repeat(32)}`;

/** The conflicts the fake merge stops on, shaped as the server lists them. */
export function conflicts(): IMergeFile[] {
  return [
    {
      path: 'train.ipynb',
      kind: 'notebook',
      outcome: 'conflict',
      detail: '1 cell(s) changed on both sides',
      cells: [{ index: 1, id: 'load', where: 'source' }]
    },
    {
      path: 'data/a.csv',
      kind: 'table',
      outcome: 'conflict',
      detail: '1 row(s) changed on both sides',
      key: ['id'],
      rows: [
        {
          key: { id: 3 },
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
      { path: 'train.ipynb', kind: 'notebook', outcome: 'merged', detail: 'cells merged' },
      conflicts()[1],
      { path: 'models/m.pkl', kind: 'file', outcome: 'theirs', detail: 'changed on theirs only' }
    ]
  };
}

export function withBranches(count = 20) {
  const api = fakeApi(count);
  const state = {
    current: 'main',
    heads: { main: snapshotAt(0, count).id, feature: FEATURE_HEAD } as { [name: string]: string },
    merge: null as IMergeState | null,
    // One remote: snapshots to send and to bring in, as of the last fetch.
    remote: { ahead: 2, behind: 0 }
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
    deleteBranch: jest.fn(async (_: string, name: string, force = false) => {
      if (name === 'feature' && !force) {
        throw new Error(
          "branch 'feature' is not merged: deleting it would leave 2 snapshot(s) on no branch (ffffffff); merge it, or delete it anyway with 'mlversion branch -D feature'"
        );
      }
      delete state.heads[name];
    }),
    switchBranch: jest.fn(
      async (_: string, branch: string, options: { create?: boolean; dryRun?: boolean } = {}) => {
        const previous = state.current;
        if (!options.dryRun) {
          if (options.create) {
            state.heads[branch] = state.heads[state.current];
          }
          state.current = branch;
        }
        const dry = Boolean(options.dryRun);
        return job(
          {
            branch,
            previous,
            created: Boolean(options.create),
            head: state.heads[branch] ?? null,
            dry_run: dry,
            restore: {
              target: branch,
              dry_run: dry,
              safety_snapshot: dry ? null : `${'5'.repeat(8)}${'a'.repeat(32)}`,
              items: [{ path: 'data/a.csv', action: 'write' }]
            }
          },
          'switch'
        );
      }
    ),
    mergePreview: jest.fn(async () => previewOf()),
    merge: jest.fn(async (_: string, branch: string) => {
      const listed = conflicts();
      state.merge = {
        in_progress: true,
        branch,
        message: `Merge branch '${branch}' into ${state.current}`,
        conflicts: listed,
        resolved: [],
        unresolved: listed.map(c => c.path)
      };
      return job({ state: 'conflicts', branch, conflicts: listed, files: listed }, 'merge');
    }),
    mergeState: jest.fn(
      async (): Promise<IMergeState> =>
        state.merge ?? { in_progress: false, branch: null, conflicts: [], resolved: [] }
    ),
    // The server undoes a merge and settles a conflict at once, and finishes one at once too.
    mergeAbort: jest.fn(async (): Promise<IJob | IMergeState> => {
      const branch = state.merge?.branch;
      state.merge = null;
      return { aborted: true, branch, head: state.heads[state.current] };
    }),
    mergeContinue: jest.fn(async (): Promise<IJob | IMergeState> => {
      const open = state.merge?.unresolved ?? [];
      if (open.length) {
        throw new Error(`${open.length} conflict(s) unresolved: ${open.join(', ')}`);
      }
      state.merge = null;
      return { state: 'merged', snapshot: `${'e'.repeat(8)}${'a'.repeat(32)}` };
    }),
    mergeResolve: jest.fn(
      async (_: string, file: string, side: string | null, content?: string) => {
        const merge = state.merge;
        if (!merge?.conflicts?.some(c => c.path === file)) {
          throw new Error(`${file} is not a conflict of this merge`);
        }
        merge.resolved = [...(merge.resolved ?? []), file];
        merge.unresolved = (merge.unresolved ?? []).filter(path => path !== file);
        merge.detail = `${file}: ${side ?? (content === undefined ? 'as edited' : 'content')}`;
        return merge;
      }
    ),
    notebookMerge: jest.fn(),
    remotes: jest.fn(async () => ({
      branch: state.current,
      remotes: [
        {
          name: 'origin',
          url: 's3://team/churn',
          branch: state.current,
          tracking: snapshotAt(1, count).id,
          ...state.remote
        }
      ]
    })),
    push: jest.fn(async () => {
      const sent = state.remote.ahead;
      state.remote = { ...state.remote, ahead: 0 };
      return job({ remote: 'origin', snapshots: sent, up_to_date: sent === 0 }, 'push');
    }),
    pull: jest.fn(async () => {
      const got = state.remote.behind;
      state.remote = { ...state.remote, behind: 0 };
      return job(
        { remote: 'origin', action: got ? 'fast-forward' : 'up-to-date', snapshots: got },
        'pull'
      );
    })
  };
  return Object.assign(api, branchApi);
}

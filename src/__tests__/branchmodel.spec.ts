/**
 * The branches model against a fake API module: branches follow the project, switch and merge
 * run as jobs and refresh the panel, conflicts settle one by one, and failures reach the user.
 */
import { FEATURE_HEAD, withBranches } from './fakebranches';

const api = withBranches(20);
jest.mock('../api', () => ({ API: api }));

import { BranchesModel, branchName, isJob, openConflicts } from '../branchmodel';
import { VersionsModel } from '../model';
import { remoteCounts, remoteDone } from '../remotetext';

async function ready(): Promise<{
  model: VersionsModel;
  branches: BranchesModel;
  failed: string[];
}> {
  const model = new VersionsModel();
  const branches = new BranchesModel(model);
  const failed: string[] = [];
  model.failed.connect((_, message) => failed.push(message));
  await model.setNotebook('work/train.ipynb');
  await branches.refresh();
  return { model, branches, failed };
}

beforeEach(() => {
  jest.clearAllMocks();
  api.calls.length = 0;
  api.state.current = 'main';
  api.state.heads = { main: api.state.heads.main, feature: FEATURE_HEAD };
  api.state.merge = null;
  api.state.remote = { ahead: 2, behind: 0 };
});

describe('BranchesModel', () => {
  it('lists the branches of the followed project and where their heads are', async () => {
    const { model, branches } = await ready();
    expect(branches.current).toBe('main');
    expect(branches.branches.map(b => b.name)).toEqual(['main', 'feature']);
    expect(branches.others.map(b => b.name)).toEqual(['feature']);
    expect(branches.headsAt(FEATURE_HEAD)).toEqual(['feature']);
    expect(branches.headsAt(model.project!.head!)).toEqual(['main']);
    expect(branches.merge).toBeNull();
  });

  it('refreshes by itself when the project does', async () => {
    const { model, branches } = await ready();
    api.state.heads['exp'] = FEATURE_HEAD;
    const seen = new Promise<void>(resolve =>
      branches.changed.connect((_, part) => part === 'branches' && resolve())
    );
    await model.refresh();
    await seen;
    expect(branches.branches.map(b => b.name)).toContain('exp');
  });

  it('keeps the panel working on a server without branch routes', async () => {
    const [list, merge] = [
      api.branches.getMockImplementation()!,
      api.mergeState.getMockImplementation()!
    ];
    api.branches.mockRejectedValue(new Error('branches was not found'));
    api.mergeState.mockRejectedValue(new Error('merge was not found'));
    try {
      const { model, branches, failed } = await ready();
      expect(branches.current).toBe('');
      expect(branches.branches).toEqual([]);
      expect(model.history.total).toBe(20);
      expect(failed).toEqual([]);
    } finally {
      api.branches.mockImplementation(list);
      api.mergeState.mockImplementation(merge);
    }
  });

  it('refuses a branch name that cannot be one, without calling the server', async () => {
    const { branches } = await ready();
    await expect(branches.create('two words')).rejects.toThrow(/cannot be a branch name/);
    await expect(branches.create('  ')).rejects.toThrow(/type a name/);
    expect(api.createBranch).not.toHaveBeenCalled();
    expect(branchName(' feature/x ')).toBe('feature/x');
  });

  it("creates a branch and reports the server's refusal of a taken name", async () => {
    const { branches, failed } = await ready();
    await branches.create('exp');
    expect(api.createBranch).toHaveBeenLastCalledWith('work/train.ipynb', 'exp', undefined);
    expect(branches.branches.map(b => b.name)).toContain('exp');
    await expect(branches.create('feature')).rejects.toThrow(/exists/);
    expect(failed).toEqual(["branch 'feature' exists; pick another name"]);
  });

  it('deletes a merged branch at once and an unmerged one only when forced', async () => {
    const { branches, failed } = await ready();
    await branches.create('done');
    expect(await branches.removeIfMerged('done')).toBeNull();
    expect(branches.branches.map(b => b.name)).not.toContain('done');
    // Unmerged: nothing is deleted, and the refusal names what would be lost.
    const refusal = await branches.removeIfMerged('feature');
    expect(refusal).toMatch(/2 snapshot\(s\) on no branch/);
    expect(branches.branches.map(b => b.name)).toContain('feature');
    expect(failed).toEqual([]); // the caller asks the user; no error notification
    await branches.remove('feature', true);
    expect(api.deleteBranch).toHaveBeenLastCalledWith('work/train.ipynb', 'feature', true);
    expect(branches.branches.map(b => b.name)).not.toContain('feature');
  });

  it('filters the history by branch on the server', async () => {
    const { model } = await ready();
    api.calls.length = 0;
    await model.filterByBranch('*');
    expect(api.snapshots).toHaveBeenLastCalledWith('work/train.ipynb', {
      offset: 0,
      limit: 200,
      file: undefined,
      q: undefined,
      branch: '*'
    });
    expect(model.branchFilter).toBe('*');
    await model.filterByBranch('');
    expect((api.snapshots.mock.lastCall?.[1] as { branch?: string }).branch).toBeUndefined();
  });

  it('previews a switch without moving, then switches and refreshes the panel', async () => {
    const { branches } = await ready();
    const plan = await branches.previewSwitch('feature');
    expect(api.switchBranch).toHaveBeenLastCalledWith('work/train.ipynb', 'feature', {
      create: false,
      dryRun: true
    });
    expect(plan.restore?.items).toEqual([{ path: 'data/a.csv', action: 'write' }]);
    expect(branches.current).toBe('main');
    api.calls.length = 0;
    const result = await branches.switchTo('feature');
    expect(result.restore?.safety_snapshot).toMatch(/^5{8}/);
    expect(api.calls).toContain('project work/train.ipynb'); // the whole panel refreshed
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.current).toBe('feature');
  });

  it('creates and switches in one step', async () => {
    const { branches } = await ready();
    await branches.switchTo('exp', true);
    expect(api.switchBranch).toHaveBeenLastCalledWith('work/train.ipynb', 'exp', { create: true });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.current).toBe('exp');
  });

  it('stops a merge on its conflicts, settles them one by one, then finishes', async () => {
    const { branches, failed } = await ready();
    const preview = await branches.preview('feature');
    expect(preview.files.map(f => f.outcome)).toEqual(['merged', 'conflict', 'theirs']);
    expect(api.merge).not.toHaveBeenCalled(); // a preview writes nothing

    const result = await branches.mergeFrom('feature', 'Merge feature into main');
    expect(result.state).toBe('conflicts');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.merge?.branch).toBe('feature');
    expect(openConflicts(branches.merge).map(c => c.path)).toEqual(['train.ipynb', 'data/a.csv']);

    // Finishing with conflicts left: the server refuses and the user reads why.
    await expect(branches.finish()).rejects.toThrow(/2 conflict\(s\) unresolved/);
    expect(failed[failed.length - 1]).toMatch(/train.ipynb, data\/a.csv/);

    await branches.resolve('train.ipynb', null, '{"cells": []}\n');
    expect(api.mergeResolve).toHaveBeenLastCalledWith(
      'work/train.ipynb',
      'train.ipynb',
      null,
      '{"cells": []}\n'
    );
    expect(openConflicts(branches.merge).map(c => c.path)).toEqual(['data/a.csv']);
    await branches.resolve('data/a.csv', 'theirs');
    expect(openConflicts(branches.merge)).toEqual([]);

    const done = await branches.finish('Merged at last');
    expect(api.mergeContinue).toHaveBeenLastCalledWith('work/train.ipynb', 'Merged at last');
    expect((done as { state: string }).state).toBe('merged');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.merge).toBeNull();
  });

  it('aborts a merge whether the server answers at once or with a job', async () => {
    const { branches } = await ready();
    await branches.mergeFrom('feature');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.merge).not.toBeNull();
    await branches.abort();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.merge).toBeNull();

    await branches.mergeFrom('feature');
    api.mergeAbort.mockImplementationOnce(async () => {
      api.state.merge = null;
      return { id: 'j', kind: 'merge-abort', status: 'done', progress: {}, result: {} };
    });
    await branches.abort();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(branches.merge).toBeNull();
  });

  it('tells jobs from plain answers', () => {
    expect(isJob({ id: 'j', kind: 'merge', status: 'running', progress: {} })).toBe(true);
    expect(isJob({ in_progress: false })).toBe(false);
    expect(isJob(null)).toBe(false);
  });

  it('shows the remote with its counts, pushes and pulls as jobs, and reads the counts again', async () => {
    const { branches } = await ready();
    expect(branches.remote?.name).toBe('origin');
    expect(remoteCounts(branches.remote!)).toBe('origin: 2 to push');

    const pushed = await branches.push('origin');
    expect(api.push).toHaveBeenCalledWith('work/train.ipynb', 'origin');
    expect(remoteDone('push', 'origin', pushed)).toBe('Pushed 2 snapshot(s) to origin.');
    expect(remoteCounts(branches.remote!)).toBe('origin: in sync');

    api.state.remote = { ahead: 0, behind: 3 };
    await branches.refresh();
    expect(remoteCounts(branches.remote!)).toBe('origin: 3 to pull');
    const pulled = await branches.pull('origin');
    expect(api.pull).toHaveBeenCalledWith('work/train.ipynb', 'origin');
    expect(remoteDone('pull', 'origin', pulled)).toBe('Pulled 3 snapshot(s) from origin.');
    await branches.refresh();
    expect(remoteCounts(branches.remote!)).toBe('origin: in sync');
  });

  it('says when a remote has never had the branch, and when a pull merged or conflicted', () => {
    const never = { name: 'origin', url: 'u', branch: 'main', tracking: null, ahead: 4, behind: 0 };
    expect(remoteCounts(never)).toBe('origin: not pushed yet');
    expect(remoteDone('pull', 'origin', { action: 'merged', snapshots: 2 })).toBe(
      'Merged 2 snapshot(s) from origin.'
    );
    expect(remoteDone('pull', 'origin', { action: 'conflicts' })).toContain('conflicts to resolve');
    expect(remoteDone('push', 'origin', { up_to_date: true, snapshots: 0 })).toBe(
      'origin already had everything.'
    );
  });
});

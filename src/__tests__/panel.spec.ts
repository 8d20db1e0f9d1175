/**
 * Starting a project from the panel, restoring from a snapshot's details, and following
 * files-changed events in open documents (model and follower logic, against a fake API).
 */
import { fakeApi } from './fakeapi';

const base = fakeApi(5);
const versioned = new Set<string>(['work']);
const notAProject = (path: string): Error =>
  Object.assign(new Error(`no mlversion project at ${path} or any folder above it`), {
    errorName: 'NotAProjectError'
  });
const done = (result: object) =>
  Promise.resolve({ id: 'j', kind: 'x', status: 'done', progress: {}, result });
const api = {
  ...base,
  project: jest.fn(async (path: string) => {
    const folder = path.split('/').slice(0, -1).join('/');
    if (!versioned.has(folder)) {
      throw notAProject(path);
    }
    return { root: folder, notebook: path, head: 'a'.repeat(40), snapshots: 5, tags: {} };
  }),
  createProject: jest.fn(async (folder: string) => {
    versioned.add(folder);
    return { root: folder, notebook: null, head: null, snapshots: 0, tags: {} };
  }),
  restorePaths: jest.fn((_: string, paths: string[], to: string, dryRun: boolean) =>
    done({
      target: to,
      dry_run: dryRun,
      safety_snapshot: dryRun ? null : 'b'.repeat(40),
      items: paths.map(path => ({ path, action: 'write', size: 3 }))
    })
  ),
  restoreSnapshot: jest.fn((_: string, to: string, dryRun: boolean) =>
    done({
      target: to,
      dry_run: dryRun,
      items: [
        { path: 'a.csv', action: 'write', size: 3 },
        { path: 'gone.csv', action: 'delete', size: 0 }
      ]
    })
  )
};
jest.mock('../api', () => ({ API: api }));

import type { Event } from '@jupyterlab/services';

import {
  FILES_CHANGED,
  filesChanged,
  follow,
  IOpenDocument,
  projectRelative,
  touched
} from '../events';
import { VersionsModel } from '../model';
import { restoredText } from '../restoreplan';

beforeEach(() => {
  jest.clearAllMocks();
});

describe('starting a project from the panel', () => {
  it('offers the notebook folder, creates the project there, then follows it', async () => {
    const model = new VersionsModel();
    await model.setNotebook('fresh/exp/train.ipynb');
    expect(model.project).toBeNull();
    expect(model.startFolder).toBe('fresh/exp');
    expect(model.problem).toBe('This folder is not versioned yet.');
    const project = await model.startProject('fresh/exp');
    expect(api.createProject).toHaveBeenCalledWith('fresh/exp');
    expect(project.root).toBe('fresh/exp');
    expect(model.project?.root).toBe('fresh/exp');
    expect(model.startFolder).toBeNull();
    expect(model.problem).toBeNull();
  });

  it('offers the server root for a notebook at the root, and no start for other errors', async () => {
    const model = new VersionsModel();
    await model.setNotebook('top.ipynb');
    expect(model.startFolder).toBe('');
    await model.startProject('');
    expect(api.createProject).toHaveBeenLastCalledWith('.');
    api.project.mockRejectedValueOnce(new Error('the server answered 500'));
    await model.setNotebook('work/x.ipynb');
    expect(model.startFolder).toBeNull();
    expect(model.problem).toBe('the server answered 500');
  });

  it("forgets the previous project's history, selection and names", async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    model.select('x');
    expect(model.selection).toEqual(['x']);
    expect(model.history.total).toBe(5);
    expect(Object.keys(model.aliases)).not.toHaveLength(0);
    await model.setNotebook('elsewhere/other.ipynb');
    expect(model.project).toBeNull();
    expect(model.status).toBeNull();
    expect(model.history.total).toBe(0);
    expect(model.selection).toEqual([]);
    expect(model.tags).toEqual({});
    expect(model.aliases).toEqual({});
    expect(model.models).toEqual([]);
  });
});

describe('restoring from a snapshot', () => {
  it('previews then restores one file, and says what was kept', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const plan = await model.previewRestore(['data/a.csv'], 'abc');
    expect(plan.dry_run).toBe(true);
    const result = await model.restoreFiles(['data/a.csv'], 'abc');
    expect(api.restorePaths.mock.calls.map(c => c[3])).toEqual([true, false]);
    expect(restoredText(result, 'Restored')).toBe(
      'Restored: 1 file(s) written. The previous content was kept first in snapshot bbbbbbbb.'
    );
  });

  it('previews then checks out a whole snapshot', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.previewCheckout('abc');
    const result = await model.checkout('abc');
    expect(api.restoreSnapshot.mock.calls).toEqual([
      ['work/train.ipynb', 'abc', true],
      ['work/train.ipynb', 'abc', false]
    ]);
    expect(restoredText(result, 'Checked out')).toBe('Checked out: 1 file(s) written, 1 deleted.');
  });
});

describe('following files-changed events', () => {
  const emission = (data: object): Event.Emission =>
    ({ schema_id: FILES_CHANGED, ...data }) as Event.Emission;
  const event = filesChanged(
    emission({
      project: 'work',
      source: 'c'.repeat(40),
      paths: ['work/train.ipynb', 'work/data/a.csv'],
      deleted: ['work/old.py'],
      truncated: false,
      seq: 7
    })
  )!;

  function doc(path: string, dirty: boolean, log: string[]): IOpenDocument {
    return {
      path,
      dirty,
      reload: async () => void log.push(`reload ${path}`),
      keep: async () => void log.push(`keep ${path}`)
    };
  }

  it('ignores other events and reads ours', () => {
    expect(filesChanged({ schema_id: 'https://other/v1' } as Event.Emission)).toBeNull();
    expect(event.seq).toBe(7);
    expect(touched(event, ['work/train.ipynb', 'other/x.ipynb'])).toEqual(['work/train.ipynb']);
    expect(touched({ ...event, truncated: true, paths: [] }, ['work/z.py', 'w/z.py'])).toEqual([
      'work/z.py'
    ]);
    expect(projectRelative('work/data/a.csv', 'work')).toBe('data/a.csv');
    expect(projectRelative('a.csv', '.')).toBe('a.csv');
  });

  it('reloads an unmodified document and leaves unrelated ones alone', async () => {
    const log: string[] = [];
    const ask = jest.fn();
    const result = await follow(
      event,
      [doc('work/train.ipynb', false, log), doc('work/notes.md', false, log)],
      { ask, snapshot: jest.fn(), deleted: jest.fn() }
    );
    expect(log).toEqual(['reload work/train.ipynb']);
    expect(result.reloaded).toEqual(['work/train.ipynb']);
    expect(ask).not.toHaveBeenCalled();
  });

  it('asks about a modified document: reload, or keep and snapshot the edits', async () => {
    const log: string[] = [];
    const snapshot = jest.fn(async (path: string) => void log.push(`snapshot ${path}`));
    const deleted = jest.fn();
    const kept = await follow(
      event,
      [doc('work/train.ipynb', true, log), doc('work/old.py', false, log)],
      { ask: async () => 'keep', snapshot, deleted }
    );
    expect(log).toEqual(['keep work/train.ipynb', 'snapshot work/train.ipynb']);
    expect(kept.kept).toEqual(['work/train.ipynb']);
    expect(deleted).toHaveBeenCalledWith('work/old.py');
    log.length = 0;
    await follow(event, [doc('work/train.ipynb', true, log)], {
      ask: async () => 'reload',
      snapshot,
      deleted
    });
    expect(log).toEqual(['reload work/train.ipynb']);
  });
});

/**
 * The model against a fake API module: following notebooks, paging, search, selection, jobs.
 */
import { fakeApi, snapshotAt } from './fakeapi';

const api = fakeApi(1000);
jest.mock('../api', () => ({ API: api }));

import { VersionsModel } from '../model';

beforeEach(() => {
  jest.clearAllMocks();
  api.calls.length = 0;
});

describe('VersionsModel', () => {
  it('follows a notebook: project, status, first history page and names', async () => {
    const model = new VersionsModel();
    const parts: string[] = [];
    model.changed.connect((_, part) => parts.push(part));
    await model.setNotebook('work/train.ipynb');
    expect(model.project?.snapshots).toBe(1000);
    expect(model.status?.changes).toHaveLength(1);
    expect(model.history.total).toBe(1000);
    expect(model.history.at(0)?.message).toBe('Experiment 999');
    expect(model.tags).toHaveProperty('baseline');
    expect(model.models[0].name).toBe('churn');
    expect(parts).toEqual(expect.arrayContaining(['project', 'status', 'names']));
    // Only the first page was fetched, not all 1,000 rows.
    expect(api.calls.filter(c => c.startsWith('snapshots'))).toEqual(['snapshots 0 200 ']);
  });

  it('fetches a page only when a row of it is asked for, once', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    expect(model.history.at(650)).toBeUndefined();
    expect(model.history.at(651)).toBeUndefined();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.history.at(650)?.id).toBe(snapshotAt(650, 1000).id);
    expect(api.calls.filter(c => c.startsWith('snapshots 600'))).toHaveLength(1);
  });

  it('says why there is no project', async () => {
    const model = new VersionsModel();
    await model.setNotebook('outside/x.ipynb');
    expect(model.project).toBeNull();
    expect(model.problem).toMatch(/no mlversion project at outside/);
  });

  it('searches on the server with q= and pages the matches', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    api.calls.length = 0;
    await model.history.search('  Baseline ');
    expect(api.calls).toEqual(['snapshots 0 200  q=Baseline']);
    expect(model.history.query).toBe('Baseline');
    expect(model.history.length).toBe(1);
    expect(model.history.at(0)?.message).toBe('Baseline');
    // "experiment 9" matches 111 of 1,000 messages: counted by the server, paged like the rest.
    await model.history.search('experiment 9');
    expect(model.history.total).toBe(111);
    expect(model.history.at(0)?.message).toBe('Experiment 999');
    // An id prefix finds one snapshot.
    await model.history.search('00000998');
    expect(model.history.at(0)?.id).toBe(snapshotAt(1, 1000).id);
    api.calls.length = 0;
    await model.history.search('00000998');
    expect(api.calls).toEqual([]); // the same search again costs nothing
    await model.history.search('');
    expect(model.history.length).toBe(1000);
    expect(api.calls).toEqual(['snapshots 0 200 ']);
  });

  it('drops the answer to a search overtaken by a newer one', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    let release: () => void = () => undefined;
    const slow = api.snapshots.getMockImplementation()!;
    api.snapshots.mockImplementationOnce(async (path, options) => {
      await new Promise<void>(resolve => (release = resolve));
      return slow(path, options);
    });
    const first = model.history.search('experiment');
    const second = model.history.search('baseline');
    await second;
    release();
    await first;
    expect(model.history.query).toBe('baseline');
    expect(model.history.length).toBe(1);
  });

  it('keeps the search when filtering by file and when refreshing', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.history.search('grace');
    api.calls.length = 0;
    await model.filterByFile('data/a.csv');
    await model.refresh();
    expect(api.calls.filter(c => c.startsWith('snapshots'))).toEqual([
      'snapshots 0 200 data/a.csv q=grace',
      'snapshots 0 200 data/a.csv q=grace'
    ]);
  });

  it('registers a model version and shows it', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const version = await model.registerModel('churn', 'models/m.pkl@v2', '');
    expect(api.registerModel).toHaveBeenCalledWith(
      'work/train.ipynb',
      'churn',
      'models/m.pkl@v2',
      undefined
    );
    expect(version.number).toBe(2);
    expect(model.models[0].versions.map(v => v.artifact_version)).toContain(2);
  });

  it('filters by file on the server', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.filterByFile('data/a.csv');
    expect(model.history.total).toBe(3);
    expect(api.calls).toContain('snapshots 0 200 data/a.csv');
  });

  it('keeps at most two selected snapshots and orders them old to new', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const [a, b, c] = [0, 1, 5].map(i => snapshotAt(i, 1000).id);
    model.select(a);
    model.select(c, true);
    expect(model.selection).toEqual([a, c]);
    model.select(b, true);
    expect(model.selection).toEqual([c, b]);
    expect(model.ordered(c, b)).toEqual([c, b]);
    expect(model.ordered(b, c)).toEqual([c, b]);
    model.select(a);
    expect(model.selection).toEqual([a]);
  });

  it('takes a snapshot as a job with progress, then refreshes', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const progress: (string | null)[] = [];
    model.progress.connect((_, p) => progress.push(p ? p.title : null));
    const outcome = await model.takeSnapshot({ message: 'm', metrics: { accuracy: 1 } });
    expect(outcome.created).toBe(true);
    expect(api.createSnapshot).toHaveBeenCalledWith('work/train.ipynb', {
      message: 'm',
      metrics: { accuracy: 1 }
    });
    expect(progress[0]).toBe('Snapshot');
    expect(progress[progress.length - 1]).toBeNull();
    expect(api.project).toHaveBeenCalledTimes(2);
  });

  it('tags a snapshot and shows the new tag', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.addTag('release-1', snapshotAt(3, 1000).id);
    expect(model.tags['release-1']).toBe(snapshotAt(3, 1000).id);
  });

  it("previews and rolls back the selected cell's inputs", async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    await model.setCell({ id: 'cell-1', index: 2 });
    expect(model.lineage?.runs[0].reads[0].path).toBe('data/a.csv');
    const plan = await model.previewRollback('HEAD');
    expect(plan.dry_run).toBe(true);
    await model.rollback('HEAD');
    expect(api.restoreCell).toHaveBeenLastCalledWith('work/train.ipynb', 'cell-1', 'HEAD', false);
    expect(model.cell?.id).toBe('cell-1');
  });

  it('reports a failed call through the failed signal', async () => {
    const model = new VersionsModel();
    await model.setNotebook('work/train.ipynb');
    const failures: string[] = [];
    model.failed.connect((_, message) => failures.push(message));
    api.createTag.mockRejectedValueOnce(new Error("tag 'baseline' already exists"));
    await expect(model.addTag('baseline', 'HEAD')).rejects.toThrow('already exists');
    expect(failures).toEqual(["tag 'baseline' already exists"]);
  });
});

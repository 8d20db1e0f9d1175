/**
 * @jest-environment jsdom
 */
/**
 * The branch bar, the history's lanes and branch filter, the merge banner and the conflict
 * views over models fed by the fake API: what they show and what their buttons do.
 */
import './dragevent';
import { FEATURE_HEAD, conflicts, previewOf, withBranches } from './fakebranches';

const api = withBranches(20);
jest.mock('../api', () => ({ API: api }));
// JupyterLab's dialog and icon packages ship as ES modules Jest does not load; the dialogs are
// exercised in the browser tests (ui-tests/tests/branches.spec.ts).
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: { cancelButton: jest.fn(), okButton: jest.fn(), warnButton: jest.fn() },
  InputDialog: { getText: jest.fn() },
  Notification: { success: jest.fn(), info: jest.fn(), warning: jest.fn(), error: jest.fn() },
  showDialog: jest.fn()
}));
jest.mock('@jupyterlab/ui-components', () => ({
  LabIcon: class {
    element(): HTMLElement {
      return document.createElement('span');
    }
  }
}));

import { Widget } from '@lumino/widgets';

import { BranchesModel } from '../branchmodel';
import { VersionsModel } from '../model';
import { partsText, previewSummary, resultText } from '../mergetext';
import { HistoryLanes } from '../widgets/branchlanes';
import { BranchBar } from '../widgets/branches';
import { HistoryPanel } from '../widgets/historypanel';
import { MergeBanner, previewTable } from '../widgets/merge';
import { rowConflictTable } from '../widgets/rowconflicts';

const SIDES = { ours: 'main', theirs: 'feature' };
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

async function ready(): Promise<{ model: VersionsModel; branches: BranchesModel }> {
  const model = new VersionsModel();
  const branches = new BranchesModel(model);
  await model.setNotebook('work/train.ipynb');
  await branches.refresh();
  return { model, branches };
}

function attach<T extends Widget>(widget: T): T {
  Widget.attach(widget, document.body);
  return widget;
}

const host = () => ({
  saveFirst: jest.fn(async () => undefined),
  reload: jest.fn(async () => undefined),
  openConflict: jest.fn(),
  startMerge: jest.fn(async () => undefined)
});

beforeEach(() => {
  jest.clearAllMocks();
  api.state.current = 'main';
  api.state.heads = { main: api.state.heads.main, feature: FEATURE_HEAD };
  api.state.merge = null;
});

describe('BranchBar', () => {
  it('names the current branch and offers a merge when another branch exists', async () => {
    const { branches } = await ready();
    const bar = attach(new BranchBar(branches, host()));
    expect(bar.button.textContent).toContain('main');
    expect(bar.button.getAttribute('aria-label')).toBe('Branch: main');
    const merge = bar.node.querySelectorAll('button')[1];
    expect(merge.textContent).toBe('Merge…');
    expect(merge.disabled).toBe(false);
    // While a merge waits for its conflicts, no second one starts.
    await branches.mergeFrom('feature');
    await settle();
    expect(merge.disabled).toBe(true);
    expect(merge.title).toMatch(/finish or abort it first/);
    bar.dispose();
  });

  it('has nothing to merge from with one branch', async () => {
    delete api.state.heads.feature;
    const { branches } = await ready();
    const bar = attach(new BranchBar(branches, host()));
    const merge = bar.node.querySelectorAll('button')[1];
    expect(merge.disabled).toBe(true);
    expect(merge.title).toMatch(/Create a second branch/);
    bar.dispose();
  });
});

describe('HistoryLanes', () => {
  it('lists every branch with lanes and names the heads once there are two', async () => {
    const { model, branches } = await ready();
    const panel = attach(new HistoryPanel(model));
    new HistoryLanes(panel, model, branches);
    await settle();
    const select = panel.node.querySelector('select') as HTMLSelectElement;
    expect(select.hidden).toBe(false);
    expect(Array.from(select.options).map(o => o.textContent)).toEqual([
      'All branches',
      'Current branch (main)',
      'main',
      'feature'
    ]);
    // Two branches: every line is listed until the user picks one.
    expect(model.branchFilter).toBe('*');
    expect((api.snapshots.mock.lastCall?.[1] as { branch?: string }).branch).toBe('*');
    panel.renderRows();
    const first = panel.node.querySelector('.jp-mlversion-row') as HTMLElement;
    expect(first.querySelector('svg.jp-mlversion-lanes')).not.toBeNull();
    expect(first.querySelector('circle')).not.toBeNull();
    expect(first.querySelector('.jp-mlversion-branch.jp-mod-current')?.textContent).toBe('main');

    // Picking a branch lists only its snapshots.
    select.value = 'feature';
    select.dispatchEvent(new Event('change'));
    await settle();
    expect(model.branchFilter).toBe('feature');
    expect((api.snapshots.mock.lastCall?.[1] as { branch?: string }).branch).toBe('feature');
    panel.dispose();
  });

  it('keeps the plain list for one branch without merges', async () => {
    delete api.state.heads.feature;
    const { model, branches } = await ready();
    const panel = attach(new HistoryPanel(model));
    new HistoryLanes(panel, model, branches);
    await settle();
    panel.renderRows();
    expect((panel.node.querySelector('select') as HTMLSelectElement).hidden).toBe(true);
    expect(panel.node.querySelector('svg')).toBeNull();
    expect(panel.node.querySelector('.jp-mlversion-branch')).toBeNull();
    expect(model.branchFilter).toBe('');
    panel.dispose();
  });

  it('draws no lanes over a search, whose rows are not one line', async () => {
    const { model, branches } = await ready();
    const panel = attach(new HistoryPanel(model));
    const lanes = new HistoryLanes(panel, model, branches);
    await settle();
    expect(lanes.shown).toBe(true);
    await model.history.search('Experiment');
    panel.renderRows();
    expect(lanes.shown).toBe(false);
    expect(panel.node.querySelector('svg')).toBeNull();
    panel.dispose();
  });
});

describe('MergeBanner', () => {
  it('stays hidden without a merge in progress', async () => {
    const { branches } = await ready();
    const banner = attach(new MergeBanner(branches, host()));
    expect(banner.isHidden).toBe(true);
    banner.dispose();
  });

  it('lists the conflicts, settles them from its buttons, and then lets the merge finish', async () => {
    const { branches } = await ready();
    const actions = host();
    const banner = attach(new MergeBanner(branches, actions));
    await branches.mergeFrom('feature');
    await settle();
    expect(banner.isHidden).toBe(false);
    expect(banner.node.querySelector('.jp-mlversion-merge-title')?.textContent).toBe(
      'Merging feature into main: 2 conflicts left'
    );
    const items = banner.node.querySelectorAll('.jp-mlversion-conflict');
    expect(Array.from(items).map(li => li.getAttribute('data-path'))).toEqual([
      'train.ipynb',
      'data/a.csv'
    ]);
    expect(items[0].textContent).toContain(
      '1 cell(s) changed on both sides; cell 2 (load): source'
    );
    expect(items[1].textContent).toContain('1 row(s) changed on both sides; id=3');
    const finish = () =>
      Array.from(banner.node.querySelectorAll('button')).find(
        b => b.textContent === 'Finish merge'
      )!;
    expect(finish().disabled).toBe(true);

    const button = (path: string, label: string) =>
      banner.node.querySelector<HTMLButtonElement>(
        `.jp-mlversion-conflict[data-path="${path}"] button[aria-label^="${label}"]`
      )!;
    // The notebook opens in nbdime's merge view; the table is settled with a side here.
    button('train.ipynb', 'Resolve in the merge view').click();
    expect(actions.openConflict).toHaveBeenCalledWith(
      expect.objectContaining({ path: 'train.ipynb', kind: 'notebook' }),
      SIDES
    );
    expect(button('data/a.csv', 'Compare the rows')).not.toBeNull();
    button('data/a.csv', "Take feature's version").click();
    await settle();
    expect(api.mergeResolve).toHaveBeenLastCalledWith(
      'work/train.ipynb',
      'data/a.csv',
      'theirs',
      undefined
    );
    expect(banner.node.querySelector('.jp-mlversion-merge-title')?.textContent).toMatch(
      /1 conflict left/
    );
    await branches.resolve('train.ipynb', null, '{}\n');
    expect(finish().disabled).toBe(false);
    const message = banner.node.querySelector('input') as HTMLInputElement;
    expect(message.value).toBe("Merge branch 'feature' into main");
    message.value = 'Bring the feature in';
    await banner.finish();
    expect(api.mergeContinue).toHaveBeenLastCalledWith('work/train.ipynb', 'Bring the feature in');
    expect(actions.reload).toHaveBeenCalled();
    await settle();
    expect(banner.isHidden).toBe(true);
    banner.dispose();
  });
});

describe('merge previews and conflict views', () => {
  it('says what happens to each file, naming the branches', () => {
    const preview = previewOf();
    const node = previewTable(preview.files, SIDES);
    const rows = Array.from(node.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['train.ipynb', 'notebook', 'merged', 'cells merged'],
      ['data/a.csv', 'table', 'conflict', '1 row(s) changed on both sides; id=3'],
      ['models/m.pkl', 'file', 'taken from feature', 'changed on theirs only']
    ]);
    // A server that counts parts by outcome is read as counts.
    expect(partsText({ merged: 2, conflict: 1 }, 'cell', SIDES)).toBe(
      '2 cells merged, 1 in conflict'
    );
    expect(previewSummary(preview, SIDES)).toBe(
      '3 files change; 1 conflict to resolve before the merge snapshot is taken.'
    );
    expect(previewSummary({ ...preview, fast_forward: true }, SIDES)).toMatch(/moves forward/);
    expect(resultText({ state: 'merged', snapshot: 'abcdef1234' }, SIDES)).toBe(
      'Merged feature into main: snapshot abcdef12.'
    );
  });

  it('shows the rows in conflict side by side, with the changed values marked', () => {
    const table = rowConflictTable(conflicts()[1], SIDES);
    const head = Array.from(table.querySelectorAll('th')).map(th => th.textContent);
    expect(head).toEqual(['Key', 'Base', 'main (current)', 'feature']);
    const cells = table.querySelectorAll('tbody td');
    expect(cells[0].textContent).toBe('id=3');
    const changed = (cell: Element) =>
      Array.from(cell.querySelectorAll('dd.jp-mod-changed')).map(dd => dd.textContent);
    expect(changed(cells[2])).toEqual(['1']); // label 0 -> 1 on main
    expect(changed(cells[3])).toEqual(['2']); // label 0 -> 2 on feature
    expect(changed(cells[1])).toEqual([]);
  });
});

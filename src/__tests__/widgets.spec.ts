/**
 * @jest-environment jsdom
 */
/**
 * The sidebar's panels over a model fed by a fake API module: what they show and what clicks do.
 */
import './dragevent';
import { fakeApi, snapshotAt, statusWithCells } from './fakeapi';

const api = fakeApi(10_000);
jest.mock('../api', () => ({ API: api }));

import { Widget } from '@lumino/widgets';

import { VersionsModel } from '../model';
import { HistoryPanel, ROW_HEIGHT } from '../widgets/historypanel';
import { NamesPanel } from '../widgets/namespanel';
import { SelectionPanel } from '../widgets/selectionpanel';
import { StatusPanel } from '../widgets/statuspanel';

async function ready(): Promise<VersionsModel> {
  const model = new VersionsModel();
  await model.setNotebook('work/train.ipynb');
  return model;
}

function attach<T extends Widget>(widget: T): T {
  Widget.attach(widget, document.body);
  return widget;
}

describe('StatusPanel', () => {
  it('shows the changes and drafts the message from them', async () => {
    const panel = attach(new StatusPanel(await ready()));
    expect(panel.node.querySelector('.jp-mlversion-summary')?.textContent).toMatch(
      /^1 change since 00009999/
    );
    expect(panel.node.querySelector('.jp-mlversion-change-path')?.textContent).toBe('data/a.csv');
    const message = panel.node.querySelector('textarea') as HTMLTextAreaElement;
    expect(message.placeholder).toBe('Update data/a.csv');
    panel.dispose();
  });

  it('saves first, then snapshots with the draft, metrics and tags', async () => {
    const order: string[] = [];
    api.createSnapshot.mockImplementationOnce(async () => {
      order.push('snapshot');
      return {
        id: 'j',
        kind: 'snapshot',
        status: 'done',
        progress: {},
        result: { created: true, snapshot: snapshotAt(0, 1), warnings: [] }
      };
    });
    const panel = attach(
      new StatusPanel(await ready(), async () => {
        order.push('save');
      })
    );
    const inputs = panel.node.querySelectorAll('input');
    inputs[0].value = 'accuracy=0.9, loss: 0.1';
    inputs[1].value = 'best';
    await panel.submit();
    expect(order).toEqual(['save', 'snapshot']);
    expect(api.createSnapshot).toHaveBeenLastCalledWith('work/train.ipynb', {
      message: 'Update data/a.csv',
      metrics: { accuracy: 0.9, loss: 0.1 },
      tags: ['best']
    });
    expect(panel.node.querySelector('.jp-mlversion-note')?.textContent).toMatch(/taken/);
    panel.dispose();
  });

  it('refuses metrics that are not numbers, without calling the server', async () => {
    api.createSnapshot.mockClear();
    const panel = attach(new StatusPanel(await ready()));
    panel.node.querySelectorAll('input')[0].value = 'accuracy=high';
    await panel.submit();
    expect(api.createSnapshot).not.toHaveBeenCalled();
    expect(panel.node.querySelector('.jp-mlversion-note')?.textContent).toMatch(
      /'accuracy=high' is not a metric/
    );
    panel.dispose();
  });
});

describe('StatusPanel with a changed notebook', () => {
  it("lists the notebook's changed cells under it, in notebook order", async () => {
    api.status.mockResolvedValueOnce(statusWithCells(snapshotAt(0, 10_000).id));
    const panel = attach(new StatusPanel(await ready()));
    const notebook = Array.from(panel.node.querySelectorAll('.jp-mlversion-change')).find(
      li => li.querySelector('.jp-mlversion-change-path')?.textContent === 'train.ipynb'
    )!;
    const cells = Array.from(notebook.querySelectorAll('.jp-mlversion-cell-change'));
    expect(cells.map(c => c.textContent)).toEqual([
      'Cell 1 (code): source changed',
      'Cell 1 (markdown) removed',
      'Cell 3 (code) added'
    ]);
    expect(cells[2].getAttribute('data-cell-id')).toBe('new-plot');
    expect(cells[2].classList).toContain('jp-mod-added');
    // data/a.csv has no cells to list.
    expect(panel.node.querySelectorAll('.jp-mlversion-cells')).toHaveLength(1);
    panel.dispose();
  });

  it("prefills the message with the server's draft until the user types", async () => {
    const model = await ready();
    api.status.mockResolvedValue(statusWithCells(snapshotAt(0, 10_000).id));
    const panel = attach(new StatusPanel(model));
    await model.refreshStatus();
    const message = panel.node.querySelector('textarea') as HTMLTextAreaElement;
    expect(message.value).toBe('Update data/a.csv (+20 rows), train.ipynb');
    message.value = 'Plot the errors';
    message.dispatchEvent(new Event('input'));
    await model.refreshStatus();
    expect(message.value).toBe('Plot the errors');
    // Cleared on purpose: the box stays empty and the snapshot carries the draft.
    message.value = '';
    message.dispatchEvent(new Event('input'));
    await model.refreshStatus();
    expect(message.value).toBe('');
    await panel.submit();
    expect(api.createSnapshot).toHaveBeenLastCalledWith('work/train.ipynb', {
      message: 'Update data/a.csv (+20 rows), train.ipynb'
    });
    // After a snapshot the next draft fills the box again.
    expect(message.value).toBe('Update data/a.csv (+20 rows), train.ipynb');
    api.status.mockReset();
    api.status.mockImplementation(fakeApi(10_000).status.getMockImplementation()!);
    panel.dispose();
  });
});

describe('HistoryPanel', () => {
  it('searches on the server once typing pauses', async () => {
    jest.useFakeTimers();
    try {
      const model = await ready();
      const panel = attach(new HistoryPanel(model));
      const box = panel.node.querySelector<HTMLInputElement>('input[type="search"]')!;
      api.calls.length = 0;
      for (const text of ['b', 'ba', 'base']) {
        box.value = text;
        box.dispatchEvent(new Event('input'));
        jest.advanceTimersByTime(100);
      }
      expect(api.calls).toEqual([]);
      jest.advanceTimersByTime(300);
      jest.useRealTimers();
      await new Promise(resolve => setTimeout(resolve, 0));
      expect(api.calls).toEqual(['snapshots 0 200  q=base']);
      panel.renderRows();
      expect(panel.node.querySelector('.jp-mlversion-count')?.textContent).toBe(
        '1 snapshot matching “base”'
      );
      const rows = panel.node.querySelectorAll('.jp-mlversion-row');
      expect(rows).toHaveLength(1);
      expect(rows[0].textContent).toContain('Baseline');
      panel.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('draws only the rows in view out of 10,000', async () => {
    const model = await ready();
    const panel = attach(new HistoryPanel(model));
    panel.renderRows();
    const rows = panel.node.querySelectorAll('.jp-mlversion-row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(panel.node.querySelector('.jp-mlversion-spacer')?.getAttribute('style')).toContain(
      `height: ${10_000 * ROW_HEIGHT}px`
    );
    expect(panel.node.querySelector('.jp-mlversion-count')?.textContent).toBe('10000 snapshots');
    expect(rows[0].querySelector('.jp-mlversion-row-message')?.textContent).toBe('Experiment 9999');
    panel.dispose();
  });

  it('selects with a click and adds a second with Shift-click', async () => {
    const model = await ready();
    const panel = attach(new HistoryPanel(model));
    panel.renderRows();
    const rows = panel.node.querySelectorAll<HTMLElement>('.jp-mlversion-row');
    rows[0].click();
    rows[2].dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));
    expect(model.selection).toEqual([snapshotAt(0, 10_000).id, snapshotAt(2, 10_000).id]);
    panel.dispose();
  });

  it('moves the selection with the arrow keys', async () => {
    const model = await ready();
    const panel = attach(new HistoryPanel(model));
    panel.renderRows();
    const key = (k: string): boolean =>
      panel.list.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowDown');
    key('ArrowDown');
    expect(model.selection).toEqual([snapshotAt(2, 10_000).id]);
    key('ArrowUp');
    expect(model.selection).toEqual([snapshotAt(1, 10_000).id]);
    panel.dispose();
  });
});

describe('SelectionPanel', () => {
  it('opens the details of one snapshot, the diff of two (older first)', async () => {
    const model = await ready();
    const opened: string[][] = [];
    const panel = attach(new SelectionPanel(model, refs => opened.push(refs)));
    const [newer, older] = [snapshotAt(1, 10_000).id, snapshotAt(4, 10_000).id];
    model.select(newer);
    expect(panel.node.querySelector('.jp-mlversion-selected-message')?.textContent).toBe(
      'Experiment 9998'
    );
    panel.openSelected();
    model.select(older, true);
    panel.openSelected();
    expect(opened).toEqual([[newer], [older, newer]]);
    panel.dispose();
  });
});

describe('NamesPanel', () => {
  it('lists tags, aliases and the registry, and promotes with a reason', async () => {
    const model = await ready();
    const panel = attach(new NamesPanel(model));
    expect(panel.node.querySelector('.jp-mlversion-tags')?.textContent).toContain('baseline');
    expect(panel.node.textContent).toContain('@best');
    expect(panel.node.textContent).toContain('churn');
    const form = panel.node.querySelector<HTMLFormElement>('.jp-mlversion-model form')!;
    form.querySelector('select')!.value = 'production';
    form.querySelector('input')!.value = 'best AUC so far';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(api.promoteModel).toHaveBeenCalledWith(
      'work/train.ipynb',
      'churn',
      1,
      'production',
      'best AUC so far'
    );
    panel.dispose();
  });

  it('registers a model version from its form', async () => {
    const model = await ready();
    const panel = attach(new NamesPanel(model));
    const form = panel.node.querySelector<HTMLFormElement>(
      'form[aria-label="Register a model version"]'
    )!;
    const field = (label: string): HTMLInputElement =>
      form.querySelector<HTMLInputElement>(`[aria-label="${label}"]`)!;
    field('Model name').value = 'fraud';
    field('Model file version').value = 'models/f.pkl@v3';
    field('Model description').value = 'Gradient boosting';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(api.registerModel).toHaveBeenCalledWith(
      'work/train.ipynb',
      'fraud',
      'models/f.pkl@v3',
      'Gradient boosting'
    );
    await new Promise(resolve => setTimeout(resolve, 0));
    await new Promise(resolve => setTimeout(resolve, 0));
    const fraud = Array.from(panel.node.querySelectorAll('.jp-mlversion-model')).find(
      m => m.querySelector('h4')?.textContent === 'fraud'
    );
    expect(fraud?.textContent).toContain('models/f.pkl@v3');
    expect(fraud?.textContent).toContain('Gradient boosting');
    panel.dispose();
  });

  it('refuses a registration without a version, without calling the server', async () => {
    api.registerModel.mockClear();
    const panel = attach(new NamesPanel(await ready()));
    const form = panel.node.querySelector<HTMLFormElement>(
      'form[aria-label="Register a model version"]'
    )!;
    form.querySelector<HTMLInputElement>('[aria-label="Model name"]')!.value = 'churn';
    form.querySelector<HTMLInputElement>('[aria-label="Model file version"]')!.value =
      'models/m.pkl';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(api.registerModel).not.toHaveBeenCalled();
    expect(form.querySelector('.jp-mlversion-note')?.textContent).toMatch(/names no version/);
    panel.dispose();
  });
});

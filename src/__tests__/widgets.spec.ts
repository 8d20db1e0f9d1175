/**
 * @jest-environment jsdom
 */
/**
 * The sidebar's panels over a model fed by a fake API module: what they show and what clicks do.
 */
import './dragevent';
import { fakeApi, snapshotAt } from './fakeapi';

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

describe('HistoryPanel', () => {
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
});

/**
 * One snapshot from the panel, end to end: the notebook's cells run in the browser's kernel
 * (with `%load_ext jupyter_mlversion`), the panel lists what they read and wrote, and one press
 * of Snapshot records the notebook, those files, their lineage, the environment and the logged
 * metric. Then the CSV changes, a second snapshot follows, and the reading cell's inputs roll
 * back to the first one from the Cell inputs section.
 *
 * The fixture (make_onesnapshot.py) only writes the CSV and the notebook and runs
 * `Repository.init`: every journal, snapshot and lineage record here comes from the browser.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { SIDEBAR, callAPI, collapseSection, expandSection, serverRoot } from './helpers';

// The fixture's CSV: four sales whose mean is 26.25.
const MEAN = 26.25;
// Cells of train.ipynb (index 0 is a markdown title).
const LOAD = 2;

type Read = { path: string; id: string; changed_since?: boolean | null };
type CellIO = { cell_id: string; reads: Read[]; writes: Read[] };
type Detail = {
  snapshot: {
    id: string;
    short_id?: string;
    message: string;
    metrics: Record<string, number>;
    params: Record<string, unknown>;
    environment: { packages?: Record<string, string> } | null;
    lineage: CellIO[];
  };
  files: { path: string; id: string; size: number; kind: string }[];
};
type PendingCell = { cell_id: string; reads: string[]; writes: string[] };
type Status = { clean: boolean; cells?: PendingCell[]; metrics?: Record<string, number> };

const cellOf = (page: IJupyterLabPageFixture, index: number) =>
  page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').nth(index);

/** A file of the served folder as the Jupyter contents API gives it, base64 (exact bytes). */
async function fileBytes(page: IJupyterLabPageFixture, file: string): Promise<Buffer> {
  const response = await page.request.get(
    `/api/contents/${file}?content=1&format=base64&type=file`
  );
  expect(response.ok(), `${file}: ${response.status()}`).toBeTruthy();
  const model = (await response.json()) as { content: string };
  return Buffer.from(model.content.replace(/\s/g, ''), 'base64');
}

test.use({ autoGoto: true });

test('one snapshot from the panel holds the notebook, its files, lineage, environment and metrics', async ({
  page
}, testInfo) => {
  // About 50 s on an idle machine; the margin is for a loaded one (2 shared cores).
  test.setTimeout(180_000);
  // A fresh project per attempt: a retry (or --repeat-each) runs against the same server.
  const NAME = `onesnap-${testInfo.repeatEachIndex}-${testInfo.retry}`;
  const NOTEBOOK = `${NAME}/train.ipynb`;
  const SALES = `${NAME}/data/sales.csv`;
  const root = await serverRoot(page);
  execFileSync(
    process.env.MLVERSION_PYTHON ?? 'python',
    [path.join(__dirname, 'make_onesnapshot.py'), root, NAME],
    { encoding: 'utf-8', timeout: 60_000 }
  );
  const original = await fileBytes(page, SALES);
  expect(original.toString()).toContain('west,40');

  // Open the notebook and the Versions panel: a new project without snapshots.
  await page.filebrowser.refresh();
  await page.notebook.openByPath(NOTEBOOK);
  await page.notebook.activate('train.ipynb');
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.locator(SIDEBAR);
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('0 snapshots');

  // 1. Run every cell in the notebook's kernel (Run > Run All Cells).
  await page.notebook.run();
  await expect(cellOf(page, LOAD).locator('.jp-OutputArea-output')).toHaveText('4');
  await expect(cellOf(page, 4).locator('.jp-OutputArea-output')).toHaveText(`mean ${MEAN}`);
  // No cell failed or warned.
  await expect(
    page.locator(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    )
  ).toHaveCount(0);

  // 2. The panel lists the cells that ran (the notebook's save refreshes it).
  await page.notebook.save();
  const pending = panel.locator('.jp-mlversion-change.jp-mod-lineage');
  await expect(pending.filter({ hasText: 'Cell load read data/sales.csv' })).toHaveCount(1);
  await expect(
    pending.filter({ hasText: /^▶?Cell features .*wrote data\/features\.parquet/ })
  ).toHaveCount(1);
  await expect(
    pending.filter({ hasText: /^▶?Cell model .*wrote models\/model\.joblib/ })
  ).toHaveCount(1);
  await expect(panel.locator('.jp-mlversion-summary')).not.toHaveText(/Up to date/);
  const before = await callAPI<Status>(page, `status?path=${NOTEBOOK}`);
  expect(before.clean).toBe(false);
  expect(before.metrics?.mean).toBe(MEAN);

  await panel.getByLabel('Snapshot message').fill('Sales model, first run');
  await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
  const note = panel.locator('.jp-mlversion-StatusPanel .jp-mlversion-note');
  await expect(note).toHaveText(/Snapshot \w+ taken/, { timeout: 60_000 });
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('1 snapshot');
  await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Up to date/);
  await expect(pending).toHaveCount(0);

  // 3. The snapshot, read back through the REST API.
  const first = await callAPI<Detail>(page, `snapshots/HEAD?path=${NOTEBOOK}`);
  expect(first.snapshot.message).toBe('Sales model, first run');
  const files = first.files.map(f => f.path);
  for (const file of [
    'train.ipynb',
    'data/sales.csv',
    'data/features.parquet',
    'models/model.joblib'
  ]) {
    expect(files).toContain(file);
  }
  const lineage = (id: string, detail: Detail) => {
    const run = detail.snapshot.lineage.find(c => c.cell_id === id);
    expect(run, `lineage of cell ${id}: ${JSON.stringify(detail.snapshot.lineage)}`).toBeTruthy();
    return run!;
  };
  const csvAtFirst = first.files.find(f => f.path === 'data/sales.csv')!;
  expect(lineage('load', first).reads.map(r => r.path)).toContain('data/sales.csv');
  expect(lineage('load', first).reads.find(r => r.path === 'data/sales.csv')?.id).toBe(
    csvAtFirst.id
  );
  expect(lineage('features', first).writes.map(w => w.path)).toContain('data/features.parquet');
  expect(lineage('model', first).writes.map(w => w.path)).toContain('models/model.joblib');
  expect(Object.keys(first.snapshot.environment?.packages ?? {})).toContain('pandas');
  expect(first.snapshot.metrics.mean).toBe(MEAN);

  // 4. Change the CSV from a cell, read it again, and take a second snapshot.
  await page.notebook.addCell(
    'code',
    'with open("data/sales.csv", "a") as f:\n    f.write("north,95\\n")'
  );
  const edit = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(edit);
  await page.notebook.runCell(LOAD);
  await expect(cellOf(page, LOAD).locator('.jp-OutputArea-output')).toHaveText('5');
  expect((await fileBytes(page, SALES)).toString()).toContain('north,95');

  await page.notebook.save();
  await expect(pending.filter({ hasText: 'Cell load read data/sales.csv' })).toHaveCount(1);
  await panel.getByLabel('Snapshot message').fill('Sales model, one more sale');
  await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('2 snapshots', { timeout: 60_000 });
  await expect(note).toHaveText(/Snapshot \w+ taken/);
  const second = await callAPI<Detail>(page, `snapshots/HEAD?path=${NOTEBOOK}`);
  expect(second.snapshot.id).not.toBe(first.snapshot.id);
  expect(second.snapshot.message).toBe('Sales model, one more sale');
  const csvAtSecond = second.files.find(f => f.path === 'data/sales.csv')!;
  expect(csvAtSecond.id).not.toBe(csvAtFirst.id);
  expect(lineage('load', second).reads.find(r => r.path === 'data/sales.csv')?.id).toBe(
    csvAtSecond.id
  );

  // 5. Roll the reading cell's inputs back to the first snapshot from the Cell inputs section.
  // Room for the section: at 1024x768 an open History and Selected can push its title out of view.
  await collapseSection(panel, 'History');
  await collapseSection(panel, 'Selected');
  await expandSection(panel, 'Cell inputs');
  await page.notebook.selectCells(LOAD);
  const cellPanel = panel.locator('.jp-mlversion-CellPanel');
  const versions = cellPanel.locator('.jp-mlversion-cell-versions');
  await expect(versions).toContainText('data/sales.csv');
  await expect(versions).toContainText(first.snapshot.id.slice(0, 8));
  await expect(versions).toContainText(second.snapshot.id.slice(0, 8));
  // The first snapshot's run read v0 of the CSV, the second's v1.
  await expect(versions.locator('tbody tr', { hasText: 'data/sales.csv' })).toContainText(
    /sales\.csv\s*v1\s*v0/
  );
  await cellPanel
    .getByRole('button', { name: `Roll back inputs to ${first.snapshot.id.slice(0, 8)}` })
    .click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-mlversion-plan')).toContainText('data/sales.csv');
  await dialog.getByRole('button', { name: /Roll back 1 file/ }).click();
  await expect(page.locator('.jp-Dialog')).toContainText('Run the cell again');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Not now' }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);

  // The CSV on disk is byte for byte the one the first snapshot recorded.
  const restored = await fileBytes(page, SALES);
  expect(restored.equals(original)).toBe(true);
  expect(restored.length).toBe(csvAtFirst.size);
  // The rolled-back input differs from the last snapshot: the panel says so, and the next
  // snapshot of the notebook records it (it is a file this notebook's cells read).
  await expect(panel.locator('.jp-mlversion-summary')).not.toHaveText(/Up to date/);
  await expect(panel.locator('.jp-mlversion-change', { hasText: 'data/sales.csv' })).toBeVisible();
});

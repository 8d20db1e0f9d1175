/**
 * Reproduce from the panel alone (issue 13, item 5): roll a cell's inputs back, re-run it, and
 * *Check reproduction* against the snapshot that recorded it. The project (make_reproduce.py)
 * has a `train` cell that reads data/raw.csv, writes models/mean.txt, logs `mean` and prints
 * it; snapshot `base` recorded it on 1,2,3 (mean 2.0), the next one on 10,20 (mean 15.0).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { SIDEBAR, collapseSection, expandSection, serverRoot } from './helpers';

test.use({ autoGoto: true });

interface IMade {
  folder: string;
  base: string;
  more: string;
}

async function makeReproduce(page: IJupyterLabPageFixture, name: string): Promise<IMade> {
  const root = await serverRoot(page);
  const python = process.env.MLVERSION_PYTHON ?? 'python';
  const script = path.join(__dirname, 'make_reproduce.py');
  const out = execFileSync(python, [script, root, name], { encoding: 'utf-8', timeout: 240_000 });
  return JSON.parse(out) as IMade;
}

/** A cell of the open notebook. */
const cell = (page: IJupyterLabPageFixture, index: number): Locator =>
  page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').nth(index);

/**
 * Open the notebook and the panel, run the setup cell (it loads the extension in the
 * notebook's kernel, so the re-run is journalled), select `train`, and open the sections the
 * test uses; returns the panel.
 */
async function open(page: IJupyterLabPageFixture, name: string): Promise<Locator> {
  await page.filebrowser.refresh();
  await page.notebook.openByPath(`${name}/train.ipynb`);
  await page.notebook.activate('train.ipynb');
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.locator(SIDEBAR);
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('2 snapshots');
  await page.notebook.runCell(0);
  await expect(cell(page, 0).locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/, { timeout: 60_000 });
  await collapseSection(panel, 'History');
  await collapseSection(panel, 'Selected');
  await page.notebook.selectCells(1);
  return panel;
}

/** Choose the snapshot to compare with and press *Check reproduction*; returns the verdict. */
async function check(panel: Locator, snapshot: string): Promise<Locator> {
  // The sections share the panel's height: fold Cell inputs so the form is in view.
  await collapseSection(panel, 'Cell inputs');
  await expandSection(panel, 'Reproduce');
  const section = panel.locator('.jp-mlversion-ReproducePanel');
  await section.getByLabel('Compare with snapshot').selectOption(snapshot);
  await section.getByRole('button', { name: 'Check reproduction' }).click();
  return section;
}

test.describe('Reproduce from the panel', () => {
  test('a re-run after rolling its inputs back reproduces what base recorded', async ({ page }) => {
    test.setTimeout(240_000);
    const made = await makeReproduce(page, 'repro');
    const panel = await open(page, 'repro');
    // Both recorded runs of the cell are offered.
    await expandSection(panel, 'Reproduce');
    const choice = panel.getByLabel('Compare with snapshot');
    await expect(choice.locator('option')).toHaveCount(2);
    await collapseSection(panel, 'Reproduce');

    await expandSection(panel, 'Cell inputs');
    const cellPanel = panel.locator('.jp-mlversion-CellPanel');
    await cellPanel
      .getByRole('button', { name: `Roll back inputs to ${made.base.slice(0, 8)}` })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-mlversion-plan')).toContainText('data/raw.csv');
    await dialog.getByRole('button', { name: /Roll back 1 file/ }).click();
    await expect(page.locator('.jp-Dialog')).toContainText('Run the cell again');
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Re-run cell' }).click();
    await expect(cell(page, 1).locator('.jp-OutputArea')).toHaveText('mean 2.0', {
      timeout: 60_000
    });

    const section = await check(panel, made.base);
    const verdict = section.locator('.jp-mlversion-reproduce-verdict');
    await expect(verdict).toHaveText(
      `Reproduced: same outputs, files and metrics as ${made.base.slice(0, 8)}`,
      { timeout: 30_000 }
    );
    await expect(verdict).toHaveClass(/jp-mod-ok/);
    await expect(section.locator('.jp-mlversion-reproduce-diffs')).toHaveCount(0);
    await expect(section.getByRole('button', { name: 'Show differences' })).toHaveCount(0);

    // The same re-run against the later snapshot (10,20) does not reproduce it.
    await check(panel, made.more);
    await expect(verdict).toHaveText(`Differs from ${made.more.slice(0, 8)}`, { timeout: 30_000 });
    await expect(section.locator('.jp-mlversion-reproduce-diffs li')).toHaveText([
      'outputs differ',
      'models/mean.txt: differs',
      'mean: 15 → 2'
    ]);
  });

  test('a re-run on newer data shows what differs from base, and opens the diffs', async ({
    page
  }) => {
    test.setTimeout(240_000);
    const made = await makeReproduce(page, 'newer-data');
    const panel = await open(page, 'newer-data');

    // Not run since the last snapshot: the server says what to do first.
    const section = await check(panel, made.base);
    await expect(section.locator('.jp-mod-error')).toContainText(
      'cell train has not run since the last snapshot of train.ipynb',
      { timeout: 30_000 }
    );

    // Re-run without rolling back: the data is still 10,20.
    await page.notebook.runCell(1);
    await expect(cell(page, 1).locator('.jp-OutputArea')).toHaveText('mean 15.0', {
      timeout: 60_000
    });
    await page.notebook.selectCells(1); // running moved the selection on
    await check(panel, made.base);
    const verdict = section.locator('.jp-mlversion-reproduce-verdict');
    await expect(verdict).toHaveText(`Differs from ${made.base.slice(0, 8)}`, { timeout: 30_000 });
    await expect(verdict).toHaveClass(/jp-mod-differs/);
    await expect(section.locator('.jp-mlversion-reproduce-diffs li')).toHaveText([
      'outputs differ',
      'models/mean.txt: differs',
      'mean: 2 → 15'
    ]);

    // The tab: the outputs' nbdime diff, the written file's diff, the metrics.
    await section.getByRole('button', { name: 'Show differences' }).click();
    const view = page.locator('.jp-mlversion-ReproduceView');
    await expect(view.locator('h2')).toHaveText(`Cell train against ${made.base.slice(0, 8)}`);
    await expect(view.locator('.jp-Notebook-diff')).toBeVisible();
    await expect(view.locator('.jp-Notebook-diff')).toContainText('mean 2.0');
    await expect(view.locator('.jp-Notebook-diff')).toContainText('mean 15.0');
    await expect(
      view.getByRole('row', { name: /^models\/mean\.txt \w{12} \w{12} differs$/ })
    ).toBeVisible();
    // The file's own diff (models/ holds models: compared by size and id, never unpickled).
    await expect(view.locator('h3', { hasText: 'models/mean.txt' })).toBeVisible();
    await expect(view.getByRole('row', { name: 'mean 2 15 differs' })).toBeVisible();
  });
});

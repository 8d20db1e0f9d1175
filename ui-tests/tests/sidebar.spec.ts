import { expect, test } from '@jupyterlab/galata';

import { SIDEBAR, expandSection, makeProject, openProject, volatile } from './helpers';

test.use({ autoGoto: true });

test.describe('Versions sidebar', () => {
  test('opens from the command palette without a notebook', async ({ page }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('mlversion:open-sidebar');
    });
    const panel = page.locator(SIDEBAR);
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Open a notebook/);
  });

  test('takes a snapshot and finds it in the history', async ({ page }) => {
    await makeProject(page, 'snap');
    const panel = await openProject(page, 'snap');
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/1 change since/);
    await expect(panel.locator('.jp-mlversion-change')).toContainText('data/train.csv');
    await expect(panel.locator('.jp-mlversion-message')).toHaveAttribute(
      'placeholder',
      'Update data/train.csv'
    );
    await expect(panel.locator('.jp-mlversion-StatusPanel')).toHaveScreenshot('status.png', {
      mask: volatile(panel),
      maxDiffPixelRatio: 0.02
    });

    await panel.getByLabel('Snapshot message').fill('Thirty rows from the browser');
    await panel.getByLabel('Metrics').fill('accuracy=0.9, loss=0.1');
    await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
    await expect(panel.locator('.jp-mlversion-note')).toHaveText(/Snapshot \w+ taken/);
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Up to date/);
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('3 snapshots');

    const first = panel.locator('.jp-mlversion-row').first();
    await expect(first).toContainText('Thirty rows from the browser');
    await expect(first).toContainText('accuracy 0.9000');

    await panel.getByLabel('Search snapshots').fill('baseline');
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('1 of 3 snapshots');
    await expect(panel.locator('.jp-mlversion-row').first()).toContainText('Baseline on 10 rows');
    await panel.getByLabel('Search snapshots').fill('');
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('3 snapshots');
    await expect(panel.locator('.jp-mlversion-HistoryPanel')).toHaveScreenshot('history.png', {
      mask: volatile(panel),
      maxDiffPixelRatio: 0.02
    });
  });

  test('diffs two snapshots', async ({ page }) => {
    await makeProject(page, 'diff');
    const panel = await openProject(page, 'diff');
    const rows = panel.locator('.jp-mlversion-row');
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Shift'] });
    await expect(panel.locator('.jp-mlversion-row[aria-selected="true"]')).toHaveCount(2);
    await panel.getByRole('button', { name: 'Compare' }).click();

    const details = page.locator('.jp-mlversion-Details');
    await expect(details.locator('.jp-mlversion-deltas').first()).toContainText('accuracy');
    await expect(details.locator('.jp-mlversion-deltas').first()).toContainText('+0.05000');
    const csv = details.locator('.jp-mlversion-file-section', { hasText: 'data/train.csv' });
    await csv.getByRole('button', { name: 'Show diff' }).click();
    await expect(csv.locator('.jp-mlversion-table-diff')).toBeVisible();
    const nb = details.locator('.jp-mlversion-file-section', { hasText: 'train.ipynb' });
    await nb.getByRole('button', { name: 'Show diff' }).click();
    // nbdime's own widgets draw the notebook diff.
    await expect(nb.locator('.jp-Notebook-diff')).toBeVisible();
    await expect(nb.locator('.jp-Cell-diff').first()).toBeVisible();
    await expect(nb).toContainText('1 cell(s) modified');
    await expect(details).toHaveScreenshot('diff.png', { mask: volatile(details),
      maxDiffPixelRatio: 0.02 });
  });

  test('adds a tag to a snapshot', async ({ page }) => {
    await makeProject(page, 'tag');
    const panel = await openProject(page, 'tag');
    await panel.locator('.jp-mlversion-row').first().click();
    await expandSection(panel, 'Selected');
    await panel.getByLabel('Tag name').fill('release-1');
    await panel.getByRole('button', { name: 'Add tag' }).click();
    await expect(panel.locator('.jp-mlversion-row').first().locator('.jp-mlversion-tag')).toHaveText(
      'release-1'
    );
    await expandSection(panel, 'Tags, aliases and models');
    await expect(panel.locator('.jp-mlversion-tags')).toContainText('release-1');
    await expect(panel.locator('.jp-mlversion-tags')).toContainText('baseline');
    await expect(panel.locator('.jp-mlversion-NamesPanel')).toHaveScreenshot('names.png', {
      mask: volatile(panel),
      maxDiffPixelRatio: 0.02
    });
  });

  test("rolls back a cell's inputs", async ({ page }) => {
    await makeProject(page, 'roll');
    const panel = await openProject(page, 'roll');
    await expandSection(panel, 'Cell inputs');
    await page.notebook.selectCells(1);
    const cellPanel = panel.locator('.jp-mlversion-CellPanel');
    await expect(cellPanel.locator('.jp-mlversion-cell-versions')).toContainText('data/train.csv');
    await expect(cellPanel.locator('.jp-mlversion-cell-versions')).toContainText('v0');
    await expect(cellPanel).toHaveScreenshot('cell-inputs.png', { mask: volatile(panel),
      maxDiffPixelRatio: 0.02 });

    // The oldest run read v0 (10 rows); the file now has 30.
    await cellPanel.getByRole('button', { name: /Roll back inputs to/ }).last().click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-mlversion-plan')).toContainText('data/train.csv');
    await expect(dialog.locator('.jp-mlversion-plan')).toContainText('write');
    await dialog.getByRole('button', { name: /Roll back 1 file/ }).click();
    await expect(page.locator('.jp-Dialog')).toContainText('Run the cell again');
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Not now' }).click();

    const text = await page.evaluate(async () => {
      const model = await window.jupyterapp.serviceManager.contents.get('roll/data/train.csv', {
        content: true,
        format: 'text'
      });
      return model.content as string;
    });
    expect(text.trim().split('\n')).toHaveLength(11);
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/1 change since/);
  });
});

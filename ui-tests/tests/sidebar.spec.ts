import { expect, test } from '@jupyterlab/galata';

import { SIDEBAR, collapseSection, expandSection, makeProject, openProject, volatile } from './helpers';

/** The prompt of a notebook cell, e.g. "[1]:". */
const prompt = (page: import('@playwright/test').Page, index: number) =>
  page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').nth(index).locator('.jp-InputPrompt');

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
    // The server's drafted message fills the box until the user types.
    await expect(panel.locator('.jp-mlversion-message')).toHaveValue('Update data/train.csv');
    await expect(panel.locator('.jp-mlversion-StatusPanel')).toHaveScreenshot('status.png', {
      mask: volatile(panel),
      maxDiffPixelRatio: 0.02
    });

    await panel.getByLabel('Snapshot message').fill('Thirty rows from the browser');
    await panel.getByLabel('Metrics').fill('accuracy=0.9, loss=0.1');
    await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
    await expect(panel.locator('.jp-mlversion-StatusPanel .jp-mlversion-note')).toHaveText(
      /Snapshot \w+ taken/
    );
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Up to date/);
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('3 snapshots');

    const first = panel.locator('.jp-mlversion-row').first();
    await expect(first).toContainText('Thirty rows from the browser');
    await expect(first).toContainText('accuracy 0.9000');

    // The server searches (q=): one request after typing pauses, not one per key.
    const searched = page.waitForRequest(
      request => request.url().includes('/mlversion/api/snapshots') && request.url().includes('q=BASE')
    );
    await panel.getByLabel('Search snapshots').pressSequentially('BASE');
    await searched;
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('1 snapshot matching “BASE”');
    await expect(panel.locator('.jp-mlversion-row')).toHaveCount(1);
    await expect(panel.locator('.jp-mlversion-row').first()).toContainText('Baseline on 10 rows');
    // An author matches too: the two snapshots the fixture took, not the one taken here.
    await panel.getByLabel('Search snapshots').fill('ada test');
    await expect(panel.locator('.jp-mlversion-count')).toHaveText(/^2 snapshots matching/);
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
    // Room for the cell's versions and their buttons under six section titles.
    await collapseSection(panel, 'History');
    await collapseSection(panel, 'Selected');
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
    // Re-run the cell: it runs in the notebook's kernel and reads the restored 10 rows.
    const before = await prompt(page, 1).textContent();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Re-run cell' }).click();
    await expect(prompt(page, 1)).not.toHaveText(before ?? '', { timeout: 60_000 });
    await expect(prompt(page, 1)).toHaveText(/\[\d+\]/, { timeout: 60_000 });
    await expect(
      page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').nth(1).locator('.jp-OutputArea')
    ).toContainText('10');

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

  test('lists the cells changed since the last snapshot', async ({ page }) => {
    await makeProject(page, 'cells');
    const panel = await openProject(page, 'cells');
    await page.notebook.setCell(1, 'code', 'import pandas as pd\ntable = pd.read_csv("data/train.csv")\ntable.describe()');
    await page.notebook.addCell('markdown', 'A new note');
    await page.notebook.save();
    const cells = panel.locator('.jp-mlversion-cells');
    await expect(cells).toContainText('Cell 2 (code): source changed');
    await expect(cells).toContainText('Cell 3 (markdown) added');
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/2 changes since/);
    await expect(panel.locator('.jp-mlversion-message')).toHaveValue(
      /^Update (data\/train.csv, train.ipynb|train.ipynb, data\/train.csv)/
    );
  });

  test('registers a model version (and looks right in the dark theme)', async ({ page }) => {
    await makeProject(page, 'reg', 0, ['--model']);
    const panel = await openProject(page, 'reg');
    // Room for the registry: the history folds away.
    await expandSection(panel, 'Tags, aliases and models');
    await collapseSection(panel, 'History');
    await collapseSection(panel, 'Selected');
    await expect(panel.locator('.jp-mlversion-NamesPanel')).toContainText('No registered models');
    const form = panel.getByRole('form', { name: 'Register a model version' });
    await form.getByLabel('Model name').fill('clf');
    await form.getByLabel('Model file version').fill('models/clf.pkl@v0');
    await form.getByLabel('Model description').fill('Classifier from the browser test');
    await form.getByRole('button', { name: 'Register' }).click();
    const model = panel.locator('.jp-mlversion-model', { hasText: 'clf' });
    await expect(model.locator('h4')).toHaveText('clf');
    await expect(model).toContainText('Classifier from the browser test');
    await expect(model.locator('tbody tr')).toHaveCount(1);
    await expect(model.locator('tbody tr')).toContainText('models/clf.pkl@v0');
    await expect(model.locator('.jp-mlversion-stage')).toHaveText('none');
    // A version that does not exist: the server says so, and nothing is added.
    await form.getByLabel('Model name').fill('clf');
    await form.getByLabel('Model file version').fill('models/clf.pkl@v7');
    await form.getByRole('button', { name: 'Register' }).click();
    await expect(panel.getByRole('form', { name: 'Register a model version' }).locator('.jp-mlversion-note')).toHaveClass(/jp-mod-error/);
    await expect(model.locator('tbody tr')).toHaveCount(1);

    await page.theme.setDarkTheme();
    // From the top of the section: masks cover ids even where they are scrolled out of view.
    await panel.locator('.jp-mlversion-NamesPanel').evaluate(node => (node.scrollTop = 0));
    await expect(page.locator(SIDEBAR)).toHaveScreenshot('sidebar-dark.png', {
      mask: volatile(page.locator(SIDEBAR)),
      maxDiffPixelRatio: 0.02
    });
  });
});

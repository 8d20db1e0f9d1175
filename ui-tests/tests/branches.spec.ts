/**
 * Branches and merge from the Versions panel, end to end against the real server: create a
 * branch, snapshot on it and on main, switch between them, see the lanes, merge cleanly;
 * resolve a conflicting notebook cell in nbdime's merge view; abort a merge.
 *
 * The first test builds its branches from the panel. The others start from make_branches.py,
 * whose two branches change the same cell of the notebook, so the merge stops on it.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { SIDEBAR, callAPI, makeProject, openProject, serverRoot, volatile } from './helpers';

type Snapshot = { id: string; parents: string[]; message: string; branches?: string[] };
type Detail = { snapshot: Snapshot; files: { path: string; id: string }[] };
type MergeState = { in_progress: boolean; unresolved?: string[] };

// Galata answers every URL matching /api/me with a mock user by default, and
// `mlversion/api/merge` matches it: this spec needs the real merge route.
test.use({ autoGoto: false, mockUser: false });

// Galata gives JupyterLab 15 s to start; on a loaded machine the first start can take longer,
// and a second load is quicker (its files are cached).
test.beforeEach(async ({ page }) => {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto();
      return;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
    }
  }
});

/** A project from make_branches.py (branches main and tweak, conflicting in one cell). */
function makeBranches(root: string, name: string): string {
  return execFileSync(
    process.env.MLVERSION_PYTHON ?? 'python',
    [path.join(__dirname, 'make_branches.py'), root, name],
    { encoding: 'utf-8', timeout: 240_000 }
  ).trim();
}

/** A text file of the served folder as the Jupyter contents API gives it. */
async function fileText(page: IJupyterLabPageFixture, file: string): Promise<string> {
  const response = await page.request.get(`/api/contents/${file}?content=1&format=text&type=file`);
  expect(response.ok(), `${file}: ${response.status()}`).toBeTruthy();
  return ((await response.json()) as { content: string }).content;
}

/** Pick an entry of the branch menu in the panel's header. */
async function branchMenu(page: IJupyterLabPageFixture, panel: Locator, item: string) {
  await panel.locator('.jp-mlversion-branch-button').click();
  const menu = page.locator('.jp-mlversion-branch-menu');
  await menu.locator('.lm-Menu-item', { hasText: new RegExp(`^${item}`) }).first().click();
}

/** "Merge..." from the header: choose `branch`, then answer the preview with `button`. */
async function mergeFrom(
  page: IJupyterLabPageFixture,
  panel: Locator,
  branch: string
): Promise<Locator> {
  await panel.getByRole('button', { name: 'Merge…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByLabel('Branch to merge from').selectOption(branch);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.locator('.jp-mlversion-merge-preview')).toBeVisible({ timeout: 60_000 });
  return dialog;
}

test('creates a branch, snapshots on it and on main, and merges it cleanly', async ({
  page
}, testInfo) => {
  test.setTimeout(300_000);
  // A fresh project per attempt: a retry runs against the same server.
  const br = `br-${testInfo.retry}`;
  await makeProject(page, br);
  const panel = await openProject(page, br);
  const branchButton = panel.locator('.jp-mlversion-branch-button');
  const note = panel.locator('.jp-mlversion-StatusPanel .jp-mlversion-note');
  const snapshot = async (message: string): Promise<void> => {
    await panel.getByLabel('Snapshot message').fill(message);
    await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
    await expect(note).toHaveText(/Snapshot \w+ taken/, { timeout: 60_000 });
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Up to date/);
  };
  await expect(branchButton).toHaveAccessibleName('Branch: main');
  // One branch: the history stays a plain list, with no branch filter.
  await expect(panel.locator('.jp-mlversion-branch-filter')).toBeHidden();
  await expect(panel.locator('svg.jp-mlversion-lanes')).toHaveCount(0);
  // The fixture's pending CSV, and the notebook as JupyterLab saves it, on main first.
  await snapshot('Thirty rows, saved from JupyterLab');

  // 1. Create "feature" from the menu: it starts at the current snapshot and becomes current.
  await branchMenu(page, panel, 'New Branch…');
  await page.locator('.jp-Dialog input').fill('feature');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Create and switch' }).click();
  await expect(branchButton).toHaveAccessibleName('Branch: feature', { timeout: 60_000 });

  // 2. On feature: a new cell appends a row to the CSV; snapshot both.
  await page.notebook.addCell(
    'code',
    'with open("data/train.csv", "a") as f:\n    f.write("30,15.0,0\\n")'
  );
  await page.notebook.runCell((await page.notebook.getCellCount()) - 1);
  await page.notebook.save();
  await expect(panel.locator('.jp-mlversion-change', { hasText: 'data/train.csv' })).toBeVisible();
  await snapshot('One more row on feature');
  const onFeature = await callAPI<Detail>(page, `snapshots/HEAD?path=${br}/train.ipynb`);
  expect(onFeature.snapshot.message).toBe('One more row on feature');

  // 3. Switch back to main: the preview names the files, which are main's again after it.
  await branchMenu(page, panel, 'main');
  const confirm = page.locator('.jp-Dialog');
  await expect(confirm.locator('.jp-mlversion-plan')).toContainText('data/train.csv');
  await confirm.getByRole('button', { name: /^Switch \(\d+ files?\)$/ }).click();
  await expect(branchButton).toHaveAccessibleName('Branch: main', { timeout: 60_000 });
  expect((await fileText(page, `${br}/data/train.csv`)).trim().split('\n')).toHaveLength(31);
  // The open notebook was reloaded from disk: main has no appending cell.
  await expect(page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)')).not.toContainText(
    '30,15.0,0'
  );

  // 4. On main: a new title in the notebook's first cell.
  await page.notebook.setCell(0, 'markdown', '# Training on main');
  await snapshot('Retitle on main');

  // 5. Two branches: every line is listed, in lanes, with each head named.
  const filter = panel.locator('.jp-mlversion-branch-filter');
  await expect(filter).toBeVisible();
  await expect(filter).toHaveValue('*');
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('5 snapshots');
  await expect(panel.locator('.jp-mlversion-row svg.jp-mlversion-lanes')).toHaveCount(5);
  await expect(panel.locator('.jp-mlversion-branch', { hasText: 'feature' })).toHaveCount(1);
  await expect(panel.locator('.jp-mlversion-branch.jp-mod-current')).toHaveText('main');
  await expect(panel.locator('.jp-mlversion-HistoryPanel')).toHaveScreenshot('branch-lanes.png', {
    mask: volatile(panel),
    maxDiffPixelRatio: 0.02
  });
  // Filtered to feature: its snapshot and the three it started from.
  await filter.selectOption('feature');
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('4 snapshots');
  await filter.selectOption('*');
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('5 snapshots');

  // 6. Merge feature into main: the preview says what comes from where, then one snapshot.
  const dialog = await mergeFrom(page, panel, 'feature');
  const preview = dialog.locator('.jp-mlversion-merge-preview');
  await expect(preview.locator('tr', { hasText: 'data/train.csv' })).toContainText(
    'taken from feature'
  );
  // Different cells changed on each side: nbdime merges the notebook cell by cell.
  await expect(preview.locator('tr', { hasText: 'train.ipynb' })).toContainText('merged');
  await expect(dialog).toContainText('merges cleanly');
  await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('6 snapshots', {
    timeout: 60_000
  });
  const merged = await callAPI<Detail>(page, `snapshots/HEAD?path=${br}/train.ipynb`);
  expect(merged.snapshot.parents).toHaveLength(2);
  expect(merged.snapshot.parents).toContain(onFeature.snapshot.id);
  await expect(panel.locator('.jp-mlversion-row').first()).toHaveClass(/jp-mod-merge/);
  // Both sides' changes are in the working tree and in the merge snapshot.
  expect((await fileText(page, `${br}/data/train.csv`)).trim().split('\n')).toHaveLength(32);
  const notebook = await fileText(page, `${br}/train.ipynb`);
  expect(notebook).toContain('# Training on main');
  expect(notebook).toContain('30,15.0,0');
});

test('resolves a conflicting notebook cell in nbdime’s merge view', async ({
  page
}, testInfo) => {
  test.setTimeout(240_000);
  // The merge writes the notebook while it is open: the panel asks whether to reload it (the
  // files-changed event) unless its own reload after the merge came first. Either way, reload.
  await page.addLocatorHandler(
    page.locator('.jp-Dialog', { hasText: 'changed on disk' }),
    async dialog => {
      await dialog.getByRole('button', { name: 'Reload' }).click();
    }
  );
  const name = `conflict-${testInfo.retry}`;
  makeBranches(await serverRoot(page), name);
  const panel = await openProject(page, name);
  const dialog = await mergeFrom(page, panel, 'tweak');
  const row = dialog.locator('.jp-mlversion-merge-preview tr', { hasText: 'train.ipynb' });
  await expect(row).toContainText('conflict');
  await expect(row).toContainText('load-data');
  await dialog.getByRole('button', { name: 'Merge and resolve' }).click();

  // The merge waits in the panel with its one conflict.
  const banner = panel.locator('.jp-mlversion-MergeBanner');
  await expect(banner).toContainText('Merging tweak into main: 1 conflict left', {
    timeout: 60_000
  });
  await expect(banner.getByRole('button', { name: 'Finish merge' })).toBeDisabled();
  await expect(page.locator(SIDEBAR)).toHaveScreenshot('merge-banner.png', {
    mask: volatile(page.locator(SIDEBAR)),
    maxDiffPixelRatio: 0.02
  });

  // nbdime's merge view opens in the main area; take tweak's side of the cell and save.
  await banner.getByRole('button', { name: 'Resolve in the merge view: train.ipynb' }).click();
  const view = page.locator('.jp-mlversion-MergeView');
  await expect(view.locator('.jp-Notebook-merge')).toBeVisible({ timeout: 60_000 });
  await expect(view.locator('.jp-mlversion-note')).toContainText('conflict');
  await pickRemote(view);
  await view.getByRole('button', { name: 'Save resolution' }).click();
  const anyway = page.locator('.jp-Dialog').getByRole('button', { name: 'Save anyway' });
  if (await anyway.isVisible().catch(() => false)) {
    await anyway.click();
  }
  await expect(view).toHaveCount(0, { timeout: 30_000 });
  await expect(banner).toContainText('all conflicts resolved');
  const state = await callAPI<MergeState>(page, `merge?path=${name}/train.ipynb`);
  expect(state.unresolved).toEqual([]);

  // Finish: a snapshot with two parents whose load cell is tweak's.
  await banner.getByRole('button', { name: 'Finish merge' }).click();
  await expect(banner).toBeHidden({ timeout: 60_000 });
  const merged = await callAPI<Detail>(page, `snapshots/HEAD?path=${name}/train.ipynb`);
  expect(merged.snapshot.parents).toHaveLength(2);
  const notebook = JSON.parse(await fileText(page, `${name}/train.ipynb`));
  const load = notebook.cells.find((c: { id: string }) => c.id === 'load-data');
  const source = Array.isArray(load.source) ? load.source.join('') : load.source;
  expect(source).toContain('.head(5)');
  expect(source).not.toContain('<<<<<<<');
  expect(source).not.toContain('dropna');
});

/**
 * In nbdime's view, take the remote side (the branch merged from) of the conflicted source:
 * its picker in the right-hand editor's gutter, then the conflict mark in the merged editor.
 */
async function pickRemote(view: Locator): Promise<void> {
  // The cells' editors: the notebook metadata's merge view is folded away.
  const picker = view
    .locator('.jp-Cell-merge .cm-merge-right-editor .jp-Merge-gutter-picker')
    .filter({ visible: true })
    .first();
  await expect(picker).toBeVisible();
  await picker.click();
  const mark = view
    .locator('.jp-Cell-merge .cm-merge-editor .jp-Merge-gutter-conflict')
    .filter({ visible: true })
    .first();
  if (await mark.isVisible().catch(() => false)) {
    await mark.click();
  }
}

test('aborts a merge and leaves every file as it was', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  // The merge writes the notebook while it is open: the panel asks whether to reload it (the
  // files-changed event) unless its own reload after the merge came first. Either way, reload.
  await page.addLocatorHandler(
    page.locator('.jp-Dialog', { hasText: 'changed on disk' }),
    async dialog => {
      await dialog.getByRole('button', { name: 'Reload' }).click();
    }
  );
  const name = `abort-${testInfo.retry}`;
  makeBranches(await serverRoot(page), name);
  const panel = await openProject(page, name);

  const dialog = await mergeFrom(page, panel, 'tweak');
  // The preview came after the panel saved the notebook: the files as the merge finds them.
  const before = await fileText(page, `${name}/train.ipynb`);
  const head = await callAPI<Detail>(page, `snapshots/HEAD?path=${name}/train.ipynb`);
  await dialog.getByRole('button', { name: 'Merge and resolve' }).click();
  const banner = panel.locator('.jp-mlversion-MergeBanner');
  await expect(banner).toContainText('1 conflict left', { timeout: 60_000 });
  // The conflicting notebook holds nbdime's inline markers while the merge waits.
  expect(await fileText(page, `${name}/train.ipynb`)).toContain('<<<<<<<');

  await banner.getByRole('button', { name: 'Abort merge' }).click();
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Abort merge' }).click();
  await expect(banner).toBeHidden({ timeout: 60_000 });
  expect(await fileText(page, `${name}/train.ipynb`)).toBe(before);
  const state = await callAPI<MergeState>(page, `merge?path=${name}/train.ipynb`);
  expect(state.in_progress).toBe(false);
  // main is where it was, or one safety snapshot further if the notebook JupyterLab saved
  // differed from it (the merge kept that first).
  const after = await callAPI<Detail>(page, `snapshots/HEAD?path=${name}/train.ipynb`);
  if (after.snapshot.id !== head.snapshot.id) {
    expect(after.snapshot.parents).toEqual([head.snapshot.id]);
    expect(after.snapshot.message).toMatch(/^Automatic snapshot before merging tweak/);
  }
  await expect(panel.locator('.jp-mlversion-summary')).toHaveText(/Up to date/);
  // The notebook on screen is the one on disk again (reloaded, no markers).
  await expect(page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)')).not.toContainText('<<<<<<<');
  await expect(page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)')).toContainText('dropna');
});

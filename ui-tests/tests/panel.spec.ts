/**
 * The panel does the whole job: start a project, restore a file or a whole snapshot from its
 * details, and open notebooks that follow restores made elsewhere (here, the CLI).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { SIDEBAR, makeProject, openProject, serverRoot } from './helpers';

test.use({ autoGoto: true });

const python = process.env.MLVERSION_PYTHON ?? 'python';

/** A folder holding a notebook and no project. */
async function plainFolder(page: IJupyterLabPageFixture, name: string): Promise<string> {
  const folder = path.join(await serverRoot(page), name);
  const code =
    'import sys, nbformat\n' +
    'from pathlib import Path\n' +
    'folder = Path(sys.argv[1]); folder.mkdir(parents=True)\n' +
    'nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Fresh")])\n' +
    'nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}\n' +
    'nbformat.write(nb, folder / "train.ipynb")\n';
  execFileSync(python, ['-c', code, folder]);
  return folder;
}

/** Run the mlversion CLI in a project folder, as a terminal would. */
function cli(folder: string, ...args: string[]): string {
  return execFileSync(python, ['-m', 'jupyter_mlversion.cli.main', ...args], {
    cwd: folder,
    encoding: 'utf-8'
  });
}

/** The text of a file under the server root, read back through the contents API. */
async function fileText(page: IJupyterLabPageFixture, file: string): Promise<string> {
  const response = await page.request.get(`/api/contents/${file}?content=1&type=file&format=text`);
  return ((await response.json()) as { content: string }).content;
}

/** The notifications whose text matches. */
const toast = (page: IJupyterLabPageFixture, text: RegExp) =>
  page.locator('.Toastify__toast', { hasText: text });

/** The markdown cell of the open notebook, as rendered. */
const markdown = (page: IJupyterLabPageFixture) =>
  page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown').first();

test.describe('The panel does the whole job', () => {
  test('starts versioning a folder without a project', async ({ page }) => {
    await plainFolder(page, 'fresh');
    await page.filebrowser.refresh();
    await page.notebook.openByPath('fresh/train.ipynb');
    await page.notebook.activate('train.ipynb');
    await page.getByRole('tab', { name: 'Versions' }).click();
    const panel = page.locator(SIDEBAR);
    await expect(panel.locator('.jp-mlversion-summary')).toHaveText('This folder is not versioned yet.');
    const folder = panel.getByLabel('Folder to version');
    await expect(folder).toHaveValue('fresh');
    // Sentences keep their case in the header (only section titles are in capitals).
    await expect(panel.locator('.jp-mlversion-summary')).toHaveCSS('text-transform', 'none');
    await expect(panel.locator('.jp-mlversion-StartPanel')).toHaveScreenshot('start.png', {
      maxDiffPixelRatio: 0.02
    });
    await page.theme.setDarkTheme();
    await expect(panel.locator('.jp-mlversion-StartPanel')).toHaveScreenshot('start-dark.png', {
      maxDiffPixelRatio: 0.02
    });
    await page.theme.setLightTheme();

    await panel.getByRole('button', { name: 'Start versioning this folder' }).click();
    await expect(panel.locator('.jp-mlversion-StartPanel')).toBeHidden();
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('0 snapshots');
    // The first snapshot's form is next, with the cursor in its message box.
    await expect(panel.getByLabel('Snapshot message')).toBeFocused();
    await panel.getByLabel('Snapshot message').fill('First snapshot from the panel');
    await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
    await expect(panel.locator('.jp-mlversion-count')).toHaveText('1 snapshot');
    await expect(panel.locator('.jp-mlversion-row').first()).toContainText('First snapshot from the panel');
  });

  test('restores one file, then checks out a snapshot, from its details', async ({ page }) => {
    await makeProject(page, 'restore');
    const panel = await openProject(page, 'restore');
    // Oldest snapshot: "Baseline on 10 rows"; the working tree has 30 rows, in no snapshot.
    await panel.locator('.jp-mlversion-row', { hasText: 'Baseline on 10 rows' }).click();
    await panel.getByRole('button', { name: 'Details' }).click();
    const details = page.locator('.jp-mlversion-Details');
    await details.getByRole('button', { name: 'Restore data/train.csv' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Restore data/train.csv as snapshot');
    await expect(dialog.locator('.jp-mlversion-plan')).toContainText('write');
    await dialog.getByRole('button', { name: 'Restore 1 file(s)' }).click();
    await expect(toast(page, /^Restored: /)).toContainText(
      /Restored: 1 file\(s\) written\. The previous content was kept first in snapshot \w{8}\./
    );
    expect((await fileText(page, 'restore/data/train.csv')).trim().split('\n')).toHaveLength(11);

    await details.getByRole('button', { name: 'Check out this snapshot' }).click();
    await expect(dialog).toContainText('Check out snapshot');
    await expect(dialog.locator('.jp-mlversion-plan')).toContainText('train.ipynb');
    await dialog.getByRole('button', { name: /Check out \d+ file\(s\)/ }).click();
    await expect(toast(page, /^Checked out: \d+ file\(s\) written/)).toBeVisible();
    // No progress notification keeps spinning once the work is over.
    await expect(toast(page, /working…/)).toHaveCount(0);
    // The open notebook follows the checkout: the baseline's text is on screen.
    await page.getByRole('main').getByRole('tab', { name: 'train.ipynb' }).click();
    await expect(markdown(page)).toContainText('Uses 10 rows.');
  });

  test('an open notebook reloads after a restore from the CLI', async ({ page }) => {
    const folder = await makeProject(page, 'reload-follow');
    await openProject(page, 'reload-follow');
    await expect(markdown(page)).toContainText('Uses 20 rows.');
    cli(folder, 'restore', 'train.ipynb', '--to', 'baseline');
    await expect(markdown(page)).toContainText('Uses 10 rows.', { timeout: 15000 });
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });

  test('a modified open notebook asks whether to reload or keep the edits', async ({ page }) => {
    const folder = await makeProject(page, 'keep');
    const panel = await openProject(page, 'keep');
    await page.notebook.setCell(0, 'markdown', '# Edited in the browser');
    await page.notebook.runCell(0, true);
    cli(folder, 'restore', 'train.ipynb', '--to', 'baseline');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('train.ipynb changed on disk', { timeout: 15000 });
    await dialog.getByRole('button', { name: 'Keep my edits' }).click();
    await expect(markdown(page)).toContainText('Edited in the browser');
    // The edits are on disk and in a snapshot of their own.
    await expect(panel.locator('.jp-mlversion-row').first()).toContainText(
      'Keep edits to train.ipynb over the restore of',
      { timeout: 15000 }
    );
    expect(await fileText(page, 'keep/train.ipynb')).toContain('Edited in the browser');
  });
});

/**
 * The save handshake end to end: `%mlversion commit` in a kernel asks the page (comm target
 * `mlversion.save`) to save the notebook first, so the snapshot holds edits not yet saved.
 */
import { expect, test } from '@jupyterlab/galata';

import { callAPI, makeProject, openProject } from './helpers';

test.use({ autoGoto: true });

test('a commit from the kernel snapshots the unsaved notebook', async ({ page }) => {
  test.setTimeout(180_000);
  await makeProject(page, 'save');
  await openProject(page, 'save');
  const notebook = 'save/train.ipynb';

  await page.notebook.addCell('code', '%load_ext jupyter_mlversion');
  await page.notebook.runCell(2);
  await page.notebook.save();
  // An edit the file on disk does not have yet.
  const marker = 'Edited in the browser, never saved by hand';
  await page.notebook.setCell(0, 'markdown', `# Training\n${marker}`);
  const onDisk = await page.evaluate(
    async path =>
      JSON.stringify(
        (await window.jupyterapp.serviceManager.contents.get(path, { content: true })).content
      ),
    notebook
  );
  expect(onDisk).not.toContain(marker);

  await page.notebook.addCell('code', '%mlversion commit -m "Snapshot from the kernel"');
  // Running the last cell also appends an empty one (Shift+Enter): count before running.
  const commitCell = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(commitCell);
  const output = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').nth(commitCell);
  await expect(output.locator('.jp-OutputArea')).toContainText(
    'saved by JupyterLab just before the snapshot',
    { timeout: 60_000 }
  );

  type Page = { items: { id: string; message: string }[] };
  const head = await callAPI<Page>(page, `snapshots?path=${notebook}&limit=1`);
  expect(head.items[0].message).toBe('Snapshot from the kernel');
  // The notebook at HEAD holds the edit: the kernel's save request reached the page.
  const diff = await callAPI<object>(
    page,
    `diff/file?path=${notebook}&file=train.ipynb&old=HEAD~1&new=HEAD&outputs=false`
  );
  expect(JSON.stringify(diff)).toContain(marker);
});

/**
 * The lineage view and follow aliases, from the panel alone, on a project whose lineage comes
 * from really running a pipeline notebook (make_lineage.py): 234 nodes for models/model.bin.
 * Times are taken in the page as W10 does (action to the frame showing its result, from a
 * page at rest), printed, and their medians asserted under 100 ms: opening in a new tab (nine
 * times), opening again, drawing, selecting (five times each).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { SIDEBAR, collapseSection, expandSection, serverRoot } from './helpers';

const BUDGET_MS = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function makePipeline(page: IJupyterLabPageFixture, name: string): Promise<string> {
  const root = await serverRoot(page);
  const python = process.env.MLVERSION_PYTHON ?? 'python';
  const script = path.join(__dirname, 'make_lineage.py');
  return execFileSync(python, [script, root, name], { encoding: 'utf-8', timeout: 240_000 }).trim();
}

async function openPipeline(page: IJupyterLabPageFixture, name: string) {
  await page.filebrowser.refresh();
  await page.notebook.openByPath(`${name}/pipeline.ipynb`);
  await page.notebook.activate('pipeline.ipynb');
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.locator(SIDEBAR);
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('6 snapshots');
  return panel;
}

/** Open the lineage tab of `file` from the panel's Lineage section. */
async function showLineage(page: IJupyterLabPageFixture, file: string) {
  const panel = page.locator(SIDEBAR);
  // The sections share the panel's height: fold the long ones so the form is in view.
  await collapseSection(panel, 'History');
  await collapseSection(panel, 'Selected');
  await expandSection(panel, 'Lineage');
  await panel.getByLabel('Lineage file').fill(file);
  await panel.getByRole('button', { name: 'Show lineage' }).click();
  const view = page.locator('.jp-mlversion-LineageView:visible');
  await expect(view.locator('.jp-mlversion-LineageGraph')).toHaveAttribute('data-render-ms', /\d/);
  return view;
}

/**
 * Click "Show lineage" and wait for the frame showing a graph drawn after the click; returns
 * [ms from the click to that frame, ms the view took to lay out and draw].
 */
async function timedOpen(page: IJupyterLabPageFixture): Promise<[number, number]> {
  return page.evaluate(async sidebar => {
    const old = document.querySelector('.jp-mlversion-LineageGraph');
    const button = [...document.querySelectorAll(`${sidebar} button`)].find(
      b => b.textContent === 'Show lineage'
    ) as HTMLButtonElement;
    const start = performance.now();
    button.click();
    const fresh = (): HTMLElement | null => {
      const now = document.querySelector('.jp-mlversion-LineageGraph[data-render-ms]');
      return now && now !== old ? (now as HTMLElement) : null;
    };
    await new Promise<void>(resolve => {
      const tick = (): void => (fresh() ? resolve() : void requestAnimationFrame(tick));
      tick();
    });
    await new Promise(resolve => requestAnimationFrame(resolve));
    return [performance.now() - start, Number(fresh()!.dataset.renderMs)] as [number, number];
  }, SIDEBAR);
}

// Galata's goto gives JupyterLab 15 s to start; on this shared 2-core machine, with other
// suites running, it sometimes needs more: navigate ourselves and try again if it times out.
test.use({ autoGoto: false });

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

test('lineage view: 234 nodes opened, drawn and clicked within 100 ms; a click opens the diff or the cell', async ({
  page
}) => {
  test.setTimeout(300_000);
  await makePipeline(page, 'lineage');
  await openPipeline(page, 'lineage');
  const view = await showLineage(page, 'models/model.bin');
  const nodes = view.locator('.jp-mlversion-lineage-node');
  await expect(nodes).toHaveCount(234);
  await expect(view.locator('.jp-mlversion-lineage-summary')).toHaveText(
    '108 version(s) of 18 file(s), 108 cell run(s)'
  );

  // Open: a click on "Show lineage" to the frame where the new graph is drawn (this
  // includes the server's query); the draw alone is what the view records in data-render-ms.
  // Asked again, the open tab reloads in place; "new tab" closes it first, then lets the
  // notebook that the closed tab uncovered finish drawing (a user clicks a page at rest).
  const open: number[] = [];
  const draw: number[] = [];
  const fresh: number[] = [];
  for (let run = 0; run < 5; run++) {
    const [took, drawn] = await timedOpen(page);
    open.push(took);
    draw.push(drawn);
  }
  // Nine new tabs: their median is the one with the least margin, so it gets more samples.
  for (let run = 0; run < 9; run++) {
    await page.evaluate(async () => {
      for (const widget of window.jupyterapp.shell.widgets('main')) {
        if (widget.id.startsWith('jp-mlversion-lineage-')) {
          widget.close();
        }
      }
      await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      await new Promise(resolve => setTimeout(resolve, 500));
      await new Promise(resolve => requestIdleCallback(resolve));
      await new Promise(resolve => requestIdleCallback(resolve));
    });
    fresh.push((await timedOpen(page))[0]);
  }
  await expect(view.locator('.jp-mlversion-lineage-node')).toHaveCount(234);
  // Select: a click on a box to the frame where it and its edges are highlighted.
  const ids = await nodes.evaluateAll(list =>
    list.filter((_, i) => i % 23 === 5).map(n => n.getAttribute('data-id') as string)
  );
  const select: number[] = [];
  for (const id of ids.filter(i => i.startsWith('version:')).slice(0, 5)) {
    select.push(
      await page.evaluate(async target => {
        const box = document.querySelector(
          `.jp-mlversion-lineage-node[data-id="${CSS.escape(target)}"]`
        )!;
        const start = performance.now();
        box.querySelector('rect')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        if (!box.classList.contains('jp-mod-selected')) {
          throw new Error('not selected');
        }
        return performance.now() - start;
      }, id)
    );
  }
  const list = (values: number[]): string => values.map(t => t.toFixed(1)).join(', ');
  console.log(
    `lineage view, 234 nodes: open (server + draw) median ${median(open).toFixed(1)} ms [${list(open)}]; ` +
      `open in a new tab median ${median(fresh).toFixed(1)} ms [${list(fresh)}]; ` +
      `draw median ${median(draw).toFixed(1)} ms [${list(draw)}]; ` +
      `select median ${median(select).toFixed(1)} ms [${list(select)}]`
  );
  expect(median(open)).toBeLessThan(BUDGET_MS);
  expect(median(fresh)).toBeLessThan(BUDGET_MS);
  expect(median(draw)).toBeLessThan(BUDGET_MS);
  expect(median(select)).toBeLessThan(BUDGET_MS);

  // A version opens its file diff against the version before it.
  await view
    .locator('[data-id^="version:data/features.csv@"][aria-label="version data/features.csv@v3"]')
    .click();
  await expect(view.locator('.jp-mlversion-lineage-pane')).toContainText(
    'data/features.csv@v2 → data/features.csv@v3'
  );
  await expect(view.locator('.jp-mlversion-lineage-pane .jp-mlversion-table-diff')).toBeVisible();
  await expect(view.locator('.jp-mlversion-lineage-node.jp-mod-selected')).toHaveCount(1);

  // A cell opens in its notebook, selected.
  await view
    .locator('.jp-mlversion-lineage-node.jp-mod-cell', { hasText: 'features' })
    .first()
    .click();
  const active = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active');
  await expect(active).toContainText("put('data/features.csv'");
});

test('lineage view screenshots, light and dark', async ({ page }) => {
  test.setTimeout(300_000);
  await makePipeline(page, 'lineshot');
  await openPipeline(page, 'lineshot');
  const view = await showLineage(page, 'data/clean_0.csv');
  await expect(view.locator('.jp-mlversion-lineage-node')).toHaveCount(26);
  const mask = [view.locator('.jp-mlversion-lineage-sub')];
  await expect(view.locator('.jp-mlversion-lineage-scroll')).toHaveScreenshot('lineage-light.png', {
    mask,
    maxDiffPixelRatio: 0.02
  });
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' })
  );
  await expect(page.locator('body[data-jp-theme-light="false"]')).toBeAttached();
  await page.waitForTimeout(500);
  await expect(view.locator('.jp-mlversion-lineage-scroll')).toHaveScreenshot('lineage-dark.png', {
    mask,
    maxDiffPixelRatio: 0.02
  });
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Light' })
  );
});

test('an alias set to follow max accuracy in the panel moves on a better snapshot', async ({
  page
}) => {
  test.setTimeout(300_000);
  const folder = await makePipeline(page, 'follow');
  const panel = await openPipeline(page, 'follow');
  await collapseSection(panel, 'History');
  await collapseSection(panel, 'Selected');
  await expandSection(panel, 'Tags, aliases and models');
  const form = panel.getByRole('form', { name: 'Set an alias' });
  await form.getByLabel('Alias file').fill('models/model.bin');
  await form.getByLabel('Alias name').fill('best');
  await form.getByLabel('Alias version').fill('3');
  await form.getByLabel('Alias follows').fill('max accuracy');
  await form.getByRole('button', { name: 'Set alias' }).click();
  const row = panel.locator('tr', { hasText: '@best' });
  await expect(row).toContainText('v3');
  await expect(row.locator('.jp-mlversion-follow')).toHaveText(/max accuracy \(0\.79\)/);

  // A better model, snapshotted from the panel with its accuracy: best moves to it.
  fs.writeFileSync(path.join(folder, 'models', 'model.bin'), 'weights better');
  await panel.getByLabel('Snapshot message').fill('A better model');
  await panel.getByLabel('Metrics').fill('accuracy=0.95');
  await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('7 snapshots', { timeout: 90_000 });
  await expect(row).toContainText('v6');
  await expect(row.locator('.jp-mlversion-follow')).toHaveText(/max accuracy \(0\.95\)/);

  // Unfollow from the row: the alias stays where it is.
  await row.getByRole('button', { name: /Stop best of models\/model.bin following/ }).click();
  await expect(row.locator('.jp-mlversion-follow')).toHaveCount(0);
  await expect(row).toContainText('v6');
});

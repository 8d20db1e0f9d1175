/**
 * Shared steps of the browser tests: build a project on disk, open its notebook, reach the panel.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

export const SIDEBAR = '#jp-mlversion-sidebar';

/** The folder the test server serves, as the page knows it. */
export async function serverRoot(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    const data = document.getElementById('jupyter-config-data')?.textContent ?? '{}';
    return JSON.parse(data).serverRoot as string;
  });
}

/** Create project `name` in the served folder (see make_project.py, e.g. `--model`); returns its path. */
export async function makeProject(
  page: IJupyterLabPageFixture,
  name: string,
  snapshots = 0,
  flags: string[] = []
): Promise<string> {
  const root = await serverRoot(page);
  const python = process.env.MLVERSION_PYTHON ?? 'python';
  const script = path.join(__dirname, 'make_project.py');
  const args = [script, root, name];
  if (snapshots) {
    args.push('--snapshots', String(snapshots));
  }
  args.push(...flags);
  return execFileSync(python, args, { encoding: 'utf-8', timeout: 240_000 }).trim();
}

/** Open a project's notebook and the Versions panel; returns the panel. */
export async function openProject(page: IJupyterLabPageFixture, name: string): Promise<Locator> {
  await page.filebrowser.refresh();
  await page.notebook.openByPath(`${name}/train.ipynb`);
  await page.notebook.activate('train.ipynb');
  await page.getByRole('tab', { name: 'Versions' }).click();
  const panel = page.locator(SIDEBAR);
  await panel.locator('.jp-mlversion-count').filter({ hasText: /snapshot/ }).waitFor();
  return panel;
}

/** Open one section of the panel's accordion (and keep the others as they are). */
export async function expandSection(panel: Locator, title: string): Promise<void> {
  const header = panel.locator('.lm-AccordionPanel-title', { hasText: title });
  if ((await header.getAttribute('aria-expanded')) !== 'true') {
    await header.click();
  }
}

/** Fold one section of the panel's accordion. */
export async function collapseSection(panel: Locator, title: string): Promise<void> {
  const header = panel.locator('.lm-AccordionPanel-title', { hasText: title });
  if ((await header.getAttribute('aria-expanded')) === 'true') {
    await header.click();
  }
}

/** Parts of the panel that change from run to run: ids and times. */
export function volatile(scope: Locator): Locator[] {
  return [
    scope.locator('.jp-mlversion-time'),
    scope.locator('code'),
    scope.locator('.jp-mlversion-id'),
    scope.locator('.jp-mlversion-author'),
    scope.locator('.jp-mlversion-summary')
  ];
}

/** GET an mlversion REST endpoint (the test server needs no token); returns the JSON. */
export async function callAPI<T>(page: IJupyterLabPageFixture, endpoint: string): Promise<T> {
  const response = await page.request.get(`/mlversion/api/${endpoint}`);
  if (!response.ok()) {
    throw new Error(`${endpoint}: ${response.status()} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

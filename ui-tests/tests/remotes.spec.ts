/**
 * Push and Pull from the branch bar (issue 11): the remote's counts next to the branch, a push
 * that sends the unpushed snapshot, a push the remote refuses as a notification, and a pull
 * that brings a teammate's snapshot and its data. The remote is a folder (make_remote.py).
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { openProject, serverRoot } from './helpers';

test.use({ autoGoto: true });

function make(args: string[]): { remote?: string; rows?: number } {
  const python = process.env.MLVERSION_PYTHON ?? 'python';
  const script = path.join(__dirname, 'make_remote.py');
  const out = execFileSync(python, [script, ...args], { encoding: 'utf-8', timeout: 240_000 });
  return JSON.parse(out);
}

const toast = (page: IJupyterLabPageFixture, text: string | RegExp) =>
  page.locator('.Toastify__toast', { hasText: text });

test('pushes, is refused when the remote moved on, and pulls a teammate’s snapshot', async ({
  page
}) => {
  const root = await serverRoot(page);
  const { remote } = make([root, 'team-sync']);
  const panel = await openProject(page, 'team-sync');
  const counts = panel.locator('.jp-mlversion-remote-counts');
  const push = panel.getByRole('button', { name: 'Push', exact: true });
  const pull = panel.getByRole('button', { name: 'Pull', exact: true });
  await expect(counts).toHaveText('origin: 1 to push');

  await push.click();
  await expect(toast(page, 'Pushed 1 snapshot(s) to origin.')).toBeVisible();
  await expect(counts).toHaveText('origin: in sync');

  // A teammate pushes meanwhile: this project's push is refused, and says what to do.
  const { rows } = make(['--teammate', remote as string]);
  await push.click();
  await expect(toast(page, /refused: its main has 1 new snapshot\(s\) this project lacks/)).toBeVisible();

  await pull.click();
  await expect(toast(page, 'Pulled 1 snapshot(s) from origin.')).toBeVisible();
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('3 snapshots');
  await expect(panel.getByText('three rows from Bo')).toBeVisible();
  await expect(counts).toHaveText('origin: in sync');
  const csv = readFileSync(path.join(root, 'team-sync', 'data', 'train.csv'), 'utf-8');
  expect(csv.trim().split('\n')).toHaveLength((rows as number) + 1);
});

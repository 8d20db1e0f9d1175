/**
 * Through a real JupyterHub: alice signs in on the hub's login page, her server starts, she
 * takes a snapshot from the Versions panel (its author is the hub user) and pushes it with the
 * branch bar's Push button to the team's bucket on SeaweedFS, where a clone finds it by her.
 * carol, who may only read alice's server, sees the history but the panel says "Read-only for
 * you" and its Snapshot and Push buttons are disabled.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

const SIDEBAR = '#jp-mlversion-sidebar';
// hub_server.py makes alice one project per try: a retry starts from no snapshot too.
const PROJECTS = ['try-1', 'try-2'];

interface ILogged {
  message: string;
  author: string;
  email: string;
}

/** The history of `project`'s team remote, as a teammate cloning it now gets it. */
function remoteLog(project: string): ILogged[] {
  const python = process.env.MLVERSION_PYTHON ?? 'python';
  const script = path.join(__dirname, '..', 'hub_server.py');
  const out = execFileSync(python, [script, 'remote-log', project], {
    encoding: 'utf-8',
    timeout: 120_000
  });
  return (JSON.parse(out) as { snapshots: ILogged[] }).snapshots;
}

async function signIn(page: Page, user: string): Promise<void> {
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill('mlversion-test-password');
  await page.locator('#login_submit').click();
  await page.waitForURL(/\/hub\/(home|spawn|spawn-pending)|\/user\//, { timeout: 60_000 });
}

async function openPanel(page: Page, server: string, notebook: string): Promise<void> {
  await page.goto(`/user/${server}/lab/tree/${notebook}`, { timeout: 120_000 });
  if (page.url().includes('/hub/api/oauth2/authorize')) {
    // Someone else's server: the hub asks the visitor to let it identify them there.
    await page.getByRole('button', { name: 'Authorize' }).click();
  }
  const tab = page.getByRole('tab', { name: 'Versions' });
  await tab.waitFor({ timeout: 120_000 });
  const count = page.locator(`${SIDEBAR} .jp-mlversion-count`);
  // The server keeps its lab layout, restored while the page loads: the panel may already be
  // open, or open a moment later (a click then closes it). Click until it shows.
  for (let attempt = 0; attempt < 4; attempt++) {
    if ((await tab.getAttribute('aria-selected')) !== 'true') {
      await tab.click();
    }
    try {
      await expect(count).toBeVisible({ timeout: 15_000 });
      return;
    } catch {
      // layout restored after our click: look again
    }
  }
  await page.screenshot({ path: `test-results/hub-${server}-panel.png` });
  await expect(count).toBeVisible();
}

test('alice snapshots and pushes from the Versions panel as herself; carol may only read', async ({
  browser
}, testInfo) => {
  const project = PROJECTS[Math.min(testInfo.retry, PROJECTS.length - 1)];
  const notebook = `${project}/analysis.ipynb`;
  const alice = await (await browser.newContext()).newPage();
  await signIn(alice, 'alice');
  // Her server starts from the hub's spawn page; the lab opens at /user/alice/.
  await alice.waitForURL(/\/user\/alice\/lab/, { timeout: 120_000 });
  await openPanel(alice, 'alice', notebook);
  const panel = alice.locator(SIDEBAR);
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('0 snapshots');
  await expect(panel.locator('.jp-mlversion-readonly')).toBeHidden();

  await panel.getByLabel('Snapshot message').fill('First look at sales, by alice');
  await panel.getByRole('button', { name: 'Snapshot', exact: true }).click();
  await expect(panel.locator('.jp-mlversion-StatusPanel .jp-mlversion-note')).toHaveText(
    /Snapshot \w+ taken/,
    { timeout: 60_000 }
  );
  await expect(panel.locator('.jp-mlversion-count')).toHaveText('1 snapshot');
  const answer = await alice.request.get(
    `/user/alice/mlversion/api/snapshots/HEAD?path=${notebook}`
  );
  expect(answer.ok()).toBeTruthy();
  const detail = (await answer.json()) as { snapshot: { author: string; email: string } };
  expect([detail.snapshot.author, detail.snapshot.email]).toEqual([
    'Alice Liddell',
    'alice@example.org'
  ]);

  // She pushes it to the team's bucket from the branch bar; a clone of the bucket has it, by her.
  const counts = panel.locator('.jp-mlversion-remote-counts');
  await expect(counts).toHaveText('origin: not pushed yet');
  await panel.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(
    alice.locator('.Toastify__toast', { hasText: 'Pushed 1 snapshot(s) to origin.' })
  ).toBeVisible({ timeout: 60_000 });
  await expect(counts).toHaveText('origin: in sync');
  const pushed = remoteLog(project).map(s => [s.message, s.author, s.email]);
  expect(pushed).toEqual([['First look at sales, by alice', 'Alice Liddell', 'alice@example.org']]);

  // carol opens alice's server: history yes, changes no.
  const carol = await (await browser.newContext()).newPage();
  await signIn(carol, 'carol');
  await openPanel(carol, 'alice', notebook);
  const hers = carol.locator(SIDEBAR);
  await expect(hers.locator('.jp-mlversion-count')).toHaveText('1 snapshot');
  await expect(hers.locator('.jp-mlversion-readonly')).toHaveText(/^Read-only for you/);
  await expect(hers.getByRole('button', { name: 'Snapshot', exact: true })).toBeDisabled();
  await expect(hers.getByRole('button', { name: 'Push', exact: true })).toBeDisabled();
});

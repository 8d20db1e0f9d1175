import { expect, test } from '@jupyterlab/galata';

const SIDEBAR = '#jp-mlversion-sidebar';

test.describe('Versions sidebar', () => {
  test('opens from the left sidebar tab and shows the project status', async ({ page }) => {
    const tab = page.getByRole('tab', { name: 'Versions' });
    await expect(tab).toBeVisible();
    await tab.click();

    const panel = page.locator(SIDEBAR);
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Versions' })).toBeVisible();
    // Whatever the server API answers yet, the panel ends with a sentence, never "Loading…".
    const message = panel.locator('.jp-mlversion-Sidebar-message');
    await expect(message).not.toHaveText(/Loading|^$/);
  });

  test('opens from the command palette', async ({ page }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('mlversion:open-sidebar');
    });
    await expect(page.locator(SIDEBAR)).toBeVisible();
  });
});

import { expect, test } from '@jupyterlab/galata';

test('JupyterLab starts with the extension and logs no errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(`page error: ${error.message}`));
  page.on('console', message => {
    if (message.type() !== 'error') {
      return;
    }
    // The sidebar reports failed API calls in its own panel; the browser logs those too.
    if (message.location().url.includes('/mlversion/api/')) {
      return;
    }
    errors.push(`console error: ${message.text()}`);
  });

  await page.goto();

  const plugins = await page.evaluate(() => window.jupyterapp.listPlugins());
  expect(plugins).toContain('jupyter-mlversion:plugin');
  expect(errors).toEqual([]);
});

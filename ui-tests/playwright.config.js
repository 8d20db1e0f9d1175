/**
 * Playwright configuration for the Galata tests: Debian's Chromium, one worker, and a JupyterLab
 * server that Playwright starts itself on a free port, serving a fresh copy of the demo project.
 */
const { execFileSync } = require('child_process');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Chosen once in the main process; the workers inherit it through the environment.
if (!process.env.MLVERSION_UI_PORT) {
  process.env.MLVERSION_UI_PORT = execFileSync('python', [
    '-c',
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  ])
    .toString()
    .trim();
}
const port = process.env.MLVERSION_UI_PORT;
const baseURL = `http://127.0.0.1:${port}`;

module.exports = {
  ...baseConfig,
  workers: 1,
  // One retry: a loaded machine can miss a start-up deadline; a real failure fails twice.
  retries: 1,
  timeout: 120000,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL,
    // Taller than Galata's 768 px: the panel's header (branch, status, snapshot form) and six
    // sections must leave the open sections room to show their controls.
    viewport: { width: 1280, height: 960 },
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: process.env.MLVERSION_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: `${baseURL}/lab`,
    timeout: 180000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe'
  }
};

/**
 * Playwright configuration for the browser tests through a real JupyterHub (hub-tests/): the
 * hub of tests/hub started by hub_server.py on a free port, Debian's Chromium, one worker.
 *
 *   cd ui-tests && jlpm playwright test -c playwright.hub.config.js
 */
const { execFileSync } = require('child_process');
const base = require('./playwright.config.js');

if (!process.env.MLVERSION_HUB_UI_PORT) {
  process.env.MLVERSION_HUB_UI_PORT = execFileSync('python', [
    '-c',
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  ])
    .toString()
    .trim();
}
const baseURL = `http://127.0.0.1:${process.env.MLVERSION_HUB_UI_PORT}`;

module.exports = {
  ...base,
  testDir: 'hub-tests',
  // Not *.spec.ts: the default configuration (no hub) must not pick these up.
  testMatch: '**/*.e2e.ts',
  timeout: 240000,
  use: { ...base.use, baseURL },
  webServer: {
    command: 'python hub_server.py',
    url: `${baseURL}/hub/login`,
    timeout: 180000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe'
  }
};

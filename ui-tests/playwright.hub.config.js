/**
 * Playwright configuration for the browser tests through a real JupyterHub (hub-tests/): the
 * hub of tests/hub started by hub_server.py on a free port (with the team remote's SeaweedFS),
 * Debian's Chromium, one worker.
 *
 *   cd ui-tests && jlpm playwright test -c playwright.hub.config.js
 */
const { execFileSync } = require('child_process');
const base = require('./playwright.config.js');

// The hub's port, and the S3 port of the team remote's SeaweedFS (the test clones from it).
const freePort = () =>
  execFileSync('python', [
    '-c',
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  ])
    .toString()
    .trim();
process.env.MLVERSION_HUB_UI_PORT ??= freePort();
process.env.MLVERSION_HUB_S3_PORT ??= freePort();
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
    // hub_server.py stops the hub (which stops the proxy and the servers) and its SeaweedFS
    // on SIGTERM; Playwright's default SIGKILL would leave them all running.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 60000 },
    stdout: 'pipe',
    stderr: 'pipe'
  }
};

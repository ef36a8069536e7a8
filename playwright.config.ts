import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = 3100;
const baseURL = `http://127.0.0.1:${PORT}`;

/**
 * Debian's Chromium, never a downloaded browser. The flags: we run as root (no sandbox), often
 * without a GPU, and offline (nothing may phone home or try QUIC).
 */
const chromium = {
  executablePath: process.env.PODPATH_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // Screenshots, traces and failure artifacts; git-ignored, kept by CI as artifacts.
  outputDir: 'test-results/e2e',
  // One app, one demo cluster: journeys run one after another against it.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: chromium,
      },
    },
  ],
  webServer: {
    command: 'npm start',
    // Health answers 200 only once the inventory has loaded, so tests start on a full page.
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      PODPATH_DEMO: '1',
      PODPATH_DATA_DIR: path.resolve('test-results/demo-data'),
      NEXT_TELEMETRY_DISABLED: '1',
    },
    // SIGTERM, not SIGKILL: the demo cluster must get to tear its network lab down.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
  },
});

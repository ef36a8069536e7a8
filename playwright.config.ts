import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = 3100;
const baseURL = `http://127.0.0.1:${PORT}`;
// A second demo cluster that replays recorded outputs, as it does where the lab cannot run.
const REPLAY_PORT = 3101;
const replayURL = `http://127.0.0.1:${REPLAY_PORT}`;

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
      testIgnore: 'replay/**',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: chromium,
      },
    },
    {
      name: 'replay',
      testMatch: 'replay/**/*.spec.ts',
      use: {
        ...devices['Desktop Chrome'],
        baseURL: replayURL,
        viewport: { width: 1440, height: 900 },
        launchOptions: chromium,
      },
    },
  ],
  // scripts/test.sh builds before Playwright runs, so both servers start from the same build.
  webServer: [
    demoServer(PORT, 'auto', 'demo-data'),
    demoServer(REPLAY_PORT, 'replay', 'replay-data'),
  ],
});

function demoServer(port: number, dataPlane: 'auto' | 'replay', dataDir: string) {
  const url = `http://127.0.0.1:${port}`;
  return {
    command: 'npm start',
    // Health answers 200 only once the inventory has loaded, so tests start on a full page.
    url: `${url}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      PODPATH_DEMO: '1',
      PODPATH_DATA_PLANE: dataPlane,
      PODPATH_DATA_DIR: path.resolve('test-results', dataDir),
      NEXT_TELEMETRY_DISABLED: '1',
    },
    // SIGTERM, not SIGKILL: the demo cluster must get to tear its network lab down.
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 30_000 },
  };
}

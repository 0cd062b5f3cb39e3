import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the whole system (Temporal dev server, sandbox, worker, BFF serving the built
 * console), which e2e/global-setup.ts starts on free ports with temporary state, or an already running one
 * named by DOUFLOW_E2E_BASE_URL. Debian's Chromium, never a downloaded browser; no retries.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.DOUFLOW_E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    locale: 'zh-CN',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts/,
      testIgnore: /screenshots\.spec\.ts/,
      dependencies: ['setup'],
      use: { browserName: 'chromium', headless: true, storageState: 'test-results/.auth/admin.json' },
    },
    // Last, so the pictures show what the other specs made.
    {
      name: 'screenshots',
      testMatch: /screenshots\.spec\.ts/,
      dependencies: ['chromium'],
      use: { browserName: 'chromium', headless: true, storageState: 'test-results/.auth/admin.json' },
    },
  ],
});

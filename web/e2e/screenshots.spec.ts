import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * PNGs of the main pages. `make screenshots` sets DOUFLOW_SCREENSHOTS=docs/screenshots (relative to the
 * repository) to refresh the README's pictures; otherwise (CI, `make web-test`) they go to the ignored
 * test-results folder, so a test run never changes the tree. A page is added here when it lands.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const wanted = process.env.DOUFLOW_SCREENSHOTS;
const DIR = wanted
  ? isAbsolute(wanted)
    ? wanted
    : join(ROOT, wanted)
  : join(ROOT, 'web', 'test-results', 'screenshots');

const PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'create-titles', path: '/create/titles', ready: 'topic' },
  { name: 'contents', path: '/contents', ready: 'filter-kind' },
  { name: 'performance', path: '/performance', ready: 'funnel' },
  { name: 'settings', path: '/settings?tab=brands', ready: 'settings' },
];

test.use({ viewport: { width: 1440, height: 900 } });

for (const { name, path, ready } of PAGES) {
  test(`screenshot: ${name}`, async ({ page }) => {
    mkdirSync(DIR, { recursive: true });
    await page.goto(path);
    await expect(page.getByTestId(ready)).toBeVisible();
    await expect(page.getByTestId('loading')).toHaveCount(0);
    await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: true });
  });
}

import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';

/**
 * PNGs of the main pages, taken after every other spec ran (the `screenshots` project depends on them), so
 * the pages show the drafts, account, conversation and journey those specs made. `make screenshots` sets
 * DOUFLOW_SCREENSHOTS=docs/screenshots (relative to the repository) to refresh the README's pictures;
 * otherwise (CI, `make web-test`) they go to the ignored test-results folder, so a test run never changes
 * the tree.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const wanted = process.env.DOUFLOW_SCREENSHOTS;
const DIR = wanted
  ? isAbsolute(wanted)
    ? wanted
    : join(ROOT, wanted)
  : join(ROOT, 'web', 'test-results', 'screenshots');

/** A page by its path, or the first record of a list (newest first) opened in its detail page. */
interface Shot {
  name: string;
  path: string | { list: string; detail: (id: string) => string };
  ready: string;
}

const SHOTS: Shot[] = [
  { name: 'create-titles', path: '/create/titles', ready: 'topic' },
  { name: 'contents', path: '/contents', ready: 'filter-kind' },
  {
    name: 'content-detail',
    path: { list: '/api/v1/contents?kind=image_post&limit=1', detail: (id) => `/contents/${id}` },
    ready: 'versions',
  },
  { name: 'accounts', path: '/accounts', ready: 'accounts' },
  { name: 'calendar', path: '/calendar', ready: 'calendar-title' },
  { name: 'performance', path: '/performance', ready: 'funnel' },
  {
    name: 'inbox',
    path: { list: '/api/v1/conversations?limit=1', detail: (id) => `/inbox/${id}` },
    ready: 'conversation-name',
  },
  { name: 'tasks', path: '/tasks', ready: 'task-filter' },
  {
    name: 'journey-designer',
    path: { list: '/api/v1/journeys', detail: (id) => `/journeys/${id}` },
    ready: 'designer',
  },
  { name: 'materials', path: '/materials', ready: 'libraries' },
  { name: 'settings', path: '/settings?tab=brands', ready: 'settings' },
];

/** The newest record's id, read with the session the specs share (its token in localStorage). */
async function firstId(page: Page, list: string): Promise<string> {
  await page.goto('/');
  const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  const response = await page.request.get(list, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok()).toBe(true);
  const body: unknown = await response.json();
  const items = Array.isArray(body) ? body : (body as { items: { id: string }[] }).items;
  expect(items.length).toBeGreaterThan(0);
  return (items[0] as { id: string }).id;
}

test.use({ viewport: { width: 1440, height: 900 } });

for (const { name, path, ready } of SHOTS) {
  test(`screenshot: ${name}`, async ({ page }) => {
    mkdirSync(DIR, { recursive: true });
    await page.goto(typeof path === 'string' ? path : path.detail(await firstId(page, path.list)));
    await expect(page.getByTestId(ready).first()).toBeVisible();
    await expect(page.getByTestId('loading')).toHaveCount(0);
    await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: true });
  });
}

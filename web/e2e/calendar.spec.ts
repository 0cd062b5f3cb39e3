import { expect, test } from '@playwright/test';
import { bearer, bindAccount, SANDBOX } from './douyin';

test('plan a one-off publish, run it now, and see its run published', async ({ page }) => {
  // Setup through the API: a bound account and an image post to publish.
  const headers = await bearer(page);
  await bindAccount(page.request, headers, SANDBOX.coder.openId);
  const topic = `周末亲子烘焙 ${Date.now()}`;
  const post = await page.request.post('/api/v1/image-posts', { headers, data: { topic } });
  expect(post.ok(), await post.text()).toBe(true);
  const { content_id: contentId } = (await post.json()) as { content_id: string };
  const content = (await (await page.request.get(`/api/v1/contents/${contentId}`, { headers })).json()) as {
    title: string;
  };
  // The picker lists contents by title; the title is the draft's own, so it is read rather than guessed.
  const title = content.title || topic;

  await page.goto('/calendar');
  await page.getByTestId('new-entry').click();
  const form = page.getByTestId('entry-form');
  await form.getByTestId('entry-content').click();
  await page.keyboard.type(title);
  await page.getByTestId(`content-option-${contentId}`).click();
  // The page refreshes its lists every few seconds; a refresh may re-render the open dropdown under the
  // click, so the choice is made again until the select shows it.
  await expect(async () => {
    await form.getByTestId('entry-account').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .getByText(SANDBOX.coder.nickname, { exact: true })
      .click({ timeout: 3_000 });
    await expect(form.locator('.ant-select-selection-item', { hasText: SANDBOX.coder.nickname })).toBeVisible(
      {
        timeout: 2_000,
      },
    );
  }).toPass({ timeout: 30_000 });
  await page.getByTestId('entry-submit').click();

  const detail = page.getByTestId('entry-detail');
  await expect(detail.getByTestId('entry-status')).toHaveText('已排期');
  await expect(page).toHaveURL(/[?&]entry=[^&]+/);
  const entryId = new URL(page.url()).searchParams.get('entry');

  await page.getByTestId('entry-run-now').click();
  await page.getByTestId('run-now-confirm').click();
  const run = detail.getByTestId('run-status').first();
  await expect(run).toHaveAttribute('data-status', /^(published|under_review)$/, { timeout: 60_000 });
  await expect(detail.getByTestId('entry-runs')).toContainText('立即执行');

  // The run is on the calendar too, today.
  await page.keyboard.press('Escape');
  await expect(page.locator(`[data-testid="occurrence"][data-entry="${entryId}"]`).first()).toBeVisible();
});

test.describe('a recurring entry', () => {
  // The entry's times are read in its zone and shown in the browser's: both Shanghai, so the text is known.
  test.use({ timezoneId: 'Asia/Shanghai' });

  test('edit its recurrence in the drawer and see its new next run', async ({ page }) => {
    const headers = await bearer(page);
    const accountId = await bindAccount(page.request, headers, SANDBOX.coder.openId);
    const post = await page.request.post('/api/v1/image-posts', {
      headers,
      data: { topic: `每周复盘 ${Date.now()}` },
    });
    expect(post.ok(), await post.text()).toBe(true);
    const { content_id: contentId } = (await post.json()) as { content_id: string };
    // Weekly (the server checks a recurrence's next month), at minutes no other spec plans on this account.
    const created = await page.request.post('/api/v1/calendar/entries', {
      headers,
      data: {
        content_id: contentId,
        account_id: accountId,
        timezone: 'Asia/Shanghai',
        recurrence: { cron: '17 10 * * 1', max_runs: 3 },
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id: entryId } = (await created.json()) as { id: string };

    await page.goto(`/calendar?entry=${entryId}`);
    const detail = page.getByTestId('entry-detail');
    await expect(detail).toContainText(' 10:17:00');
    await page.getByTestId('entry-edit').click();
    const form = page.getByTestId('entry-form');
    const cron = form.getByTestId('entry-cron');
    await expect(cron).toHaveValue('17 10 * * 1');
    await cron.fill('43 15 * * 3');
    await page.getByTestId('entry-submit').click();

    await expect(page.getByText('排期已更新')).toBeVisible();
    await expect(form).toBeHidden();
    await expect(detail).toContainText('43 15 * * 3');
    await expect(detail).toContainText(' 15:43:00');
    await expect(detail).not.toContainText(' 10:17:00');
  });
});

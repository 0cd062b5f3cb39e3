import { type APIRequestContext, expect, type Page, request, test } from '@playwright/test';

const HIDDEN = /<input type="hidden" name="([^"]+)" value="([^"]*)">/g;
const CHECKED_SCOPE = /<input type="checkbox" name="scope" value="([^"]+)" checked>/g;
const FIRST_USER = /<input type="radio" name="open_id" value="([^"]+)"/;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function tokenOf(page: Page): Promise<string> {
  await page.goto('/contents');
  const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  expect(token).toBeTruthy();
  return token as string;
}

/**
 * Binds a sandbox account the way a person does: the BFF's bind link → the sandbox's consent form (the
 * first user, the scopes it ticks) → the BFF's callback, in a browser context of its own (its cookie ties
 * the binding to it). Answers the account's id once the BFF lists it.
 */
async function bindSandboxAccount(api: APIRequestContext, headers: Record<string, string>): Promise<string> {
  const before = new Set(
    ((await (await api.get('/api/v1/douyin/accounts', { headers })).json()) as { id: string }[]).map(
      (a) => a.id,
    ),
  );
  const started = await api.post('/api/v1/douyin/accounts/bind', { headers });
  expect(started.status()).toBe(201);
  const { authorize_url: link } = (await started.json()) as { authorize_url: string };

  const person = await request.newContext();
  try {
    const consent = await person.get(link);
    expect(consent.status()).toBe(200);
    const html = await consent.text();
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(HIDDEN)) form.append(name, unescapeHtml(value));
    const openId = html.match(FIRST_USER)?.[1];
    expect(openId).toBeTruthy();
    form.set('open_id', unescapeHtml(openId as string));
    for (const [, scope] of html.matchAll(CHECKED_SCOPE)) form.append('scope', unescapeHtml(scope));
    const action = `${consent.url().split('/platform/', 1)[0]}/platform/oauth/connect/`;
    const submitted = await person.post(action, {
      data: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      maxRedirects: 0,
    });
    expect(submitted.status()).toBe(302);
    const callback = await person.get(submitted.headers().location);
    expect(callback.ok()).toBe(true);
  } finally {
    await person.dispose();
  }

  let accountId = '';
  await expect
    .poll(async () => {
      const accounts = (await (await api.get('/api/v1/douyin/accounts', { headers })).json()) as {
        id: string;
        open_id: string;
        scopes: string[];
      }[];
      const bound = accounts.find((a) => !before.has(a.id) && a.scopes.includes('video.create.bind'));
      accountId = bound?.id ?? accounts.find((a) => a.scopes.includes('video.create.bind'))?.id ?? '';
      return accountId;
    })
    .not.toBe('');
  return accountId;
}

test('edit a draft and see the diff between its versions', async ({ page }) => {
  const headers = { Authorization: `Bearer ${await tokenOf(page)}` };
  const topic = `周末亲子烘焙 ${Date.now()}`;
  const made = await page.request.post('/api/v1/image-posts', { headers, data: { topic, image_count: 1 } });
  expect(made.status()).toBe(200);
  const { content_id: contentId } = (await made.json()) as { content_id: string };

  await page.goto(`/contents/${contentId}`);
  const detail = page.getByTestId('content-detail');
  await expect(detail).toContainText(topic);
  await detail.getByTestId('edit').click();
  const title = page.getByTestId('edit-title');
  await title.fill(`${await title.inputValue()}（修订）`);
  await page.getByTestId('save-edit').click();

  await expect(page.getByTestId('versions').locator('tbody tr')).toHaveCount(2);
  const diff = page.getByTestId('version-diff');
  await expect(diff.getByTestId('diff-title').getByTestId('diff-added')).toHaveText('（修订）');
  await expect(detail).toContainText('v2');
});

test('edit one shot of a video script through its form and see only that in the diff', async ({ page }) => {
  const headers = { Authorization: `Bearer ${await tokenOf(page)}` };
  const topic = `三步做蛋糕 ${Date.now()}`;
  const made = await page.request.post('/api/v1/video-scripts', {
    headers,
    data: { topic, script_type: 'tutorial', duration_seconds: 30 },
  });
  expect(made.status()).toBe(200);
  const { content_id: contentId } = (await made.json()) as { content_id: string };

  await page.goto(`/contents/${contentId}`);
  const detail = page.getByTestId('content-detail');
  await expect(detail.getByTestId('shots')).toBeVisible();
  await detail.getByTestId('edit').click();
  const line = page.getByTestId('edit-shots').getByTestId('shot-line').nth(1);
  const before = await line.inputValue();
  await line.fill(`${before}（补一句）`);
  await page.getByTestId('save-edit').click();

  await expect(page.getByTestId('versions').locator('tbody tr')).toHaveCount(2);
  const diff = page.getByTestId('version-diff');
  await expect(diff.getByTestId('diff-body.shots').getByTestId('diff-added')).toHaveText('（补一句）');
  await expect(diff.getByTestId('diff-title')).toHaveCount(0);
  await expect(detail.getByTestId('shots')).toContainText(`${before}（补一句）`);
});

test('publish to a bound sandbox account and watch it reach published', async ({ page }) => {
  const headers = { Authorization: `Bearer ${await tokenOf(page)}` };
  const accountId = await bindSandboxAccount(page.request, headers);
  const made = await page.request.post('/api/v1/image-posts', {
    headers,
    data: { topic: `露营装备清单 ${Date.now()}`, image_count: 1 },
  });
  expect(made.status()).toBe(200);
  const { content_id: contentId } = (await made.json()) as { content_id: string };

  await page.goto(`/contents/${contentId}`);
  await expect(page.getByTestId('content-detail')).toBeVisible();
  // The generated image shows: an <img> opens the signed link the content answered, with no header.
  const pictures = page.locator('img');
  await expect(pictures.first()).toBeVisible();
  await expect
    .poll(() =>
      pictures.evaluateAll((all) =>
        all.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
      ),
    )
    .toBe(true);
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-accounts').locator(`input[value="${accountId}"]`).check();
  const checks = page.getByTestId('publish-checks');
  await expect(checks).toContainText('检查通过');
  await page.getByTestId('send-publish').click();

  const row = page.getByTestId('publish-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('publish-status')).toHaveText('已发布', { timeout: 80_000 });
  await expect(row).toContainText('作品 ID');
});

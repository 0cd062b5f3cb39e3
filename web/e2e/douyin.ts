import type { APIRequestContext, Page } from '@playwright/test';

/** Sandbox users (douyin_sandbox/users.py): fixed open_ids, so a spec can name the account it binds. */
export const SANDBOX = {
  travel: { openId: '7e4a1b2c-3d5f-4a6b-8c9d-0e1f2a3b4c5d', nickname: '旅行的小周' },
  coder: { openId: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f', nickname: '程序员老王' },
};

/** The signed-in session's bearer (the stored state keeps it in localStorage), for setup through the API. */
export async function bearer(page: Page): Promise<Record<string, string>> {
  await page.goto('/');
  const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  if (!token) throw new Error('no session token: the setup project did not log in');
  return { Authorization: `Bearer ${token}` };
}

const HIDDEN = /<input type="hidden" name="([^"]+)" value="([^"]*)">/g;
const TICKED = /<input type="checkbox" name="scope" value="([^"]+)" checked>/g;
const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Binds a sandbox account as setup, through the API and the consent form (the browser context's request
 * client carries the bind link's cookie to the callback, as a browser does); answers the account's id.
 */
export async function bindAccount(
  request: APIRequestContext,
  headers: Record<string, string>,
  openId: string,
): Promise<string> {
  const started = await request.post('/api/v1/douyin/accounts/bind', { headers });
  if (started.status() !== 201) throw new Error(`bind: ${started.status()} ${await started.text()}`);
  const { authorize_url: link } = (await started.json()) as { authorize_url: string };
  const consent = await request.get(link);
  const page = await consent.text();
  const form = new URLSearchParams();
  for (const [, name, value] of page.matchAll(HIDDEN)) form.append(name, unescapeHtml(value));
  form.append('open_id', openId);
  for (const [, scope] of page.matchAll(TICKED)) form.append('scope', unescapeHtml(scope));
  const done = await request.post(new URL('/platform/oauth/connect/', consent.url()).toString(), {
    data: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  if (!done.ok()) throw new Error(`consent: ${done.status()} ${await done.text()}`);
  const accounts = await request.get('/api/v1/douyin/accounts', { headers });
  const found = ((await accounts.json()) as { id: string; open_id: string }[]).find(
    (a) => a.open_id === openId,
  );
  if (!found) throw new Error(`account ${openId} is not listed after binding`);
  return found.id;
}

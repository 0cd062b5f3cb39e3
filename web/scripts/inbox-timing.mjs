// Drives headless Chromium through the inbox for bench/console.py: how long from a customer's message leaving
// the Douyin sandbox (just before the call that makes it send the webhook) until its text shows in the open
// conversation's transcript. Both timestamps are this process's clock. Prints one JSON line.
//   DOUFLOW_DEMO_PASSWORD=... node scripts/inbox-timing.mjs BASE_URL RUNS
import { chromium } from '@playwright/test';

const [baseUrl, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 20);
const password = process.env.DOUFLOW_DEMO_PASSWORD ?? 'douflow-demo';
const ENTERPRISE = '小鹿咖啡馆';
const TIMEOUT_MS = 30_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
page.setDefaultTimeout(TIMEOUT_MS);

// Logs in through the login page, as an agent would.
await page.goto('/login');
await page.getByTestId('login-username').fill('admin');
await page.getByTestId('login-password').fill(password);
await page.getByTestId('login-submit').click();
await page.waitForURL((url) => !url.pathname.startsWith('/login'));
const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
if (!token) throw new Error('no session token after logging in');
const headers = { Authorization: `Bearer ${token}` };

// Binds the sandbox's enterprise account through its consent page; the link's origin is the sandbox.
const started = await page.request.post('/api/v1/douyin/accounts/bind', { headers });
if (!started.ok()) throw new Error(`bind: ${started.status()} ${await started.text()}`);
await page.goto((await started.json()).authorize_url);
const sandbox = new URL(page.url()).origin;
const choice = page.locator('label.user', { hasText: ENTERPRISE }).locator('input[name="open_id"]');
const openId = (await choice.getAttribute('value')) ?? '';
await choice.check();
await page.getByRole('button', { name: '同意授权' }).click();
for (let bound = false; !bound; ) {
  const accounts = await (await page.request.get('/api/v1/douyin/accounts', { headers })).json();
  bound = accounts.some((a) => a.open_id === openId);
  if (!bound) await page.waitForTimeout(200);
}

/** A customer writes through the sandbox's admin API, which then delivers the `im_receive_msg` webhook. */
async function customerWrites(body) {
  const sent = await fetch(`${sandbox}/sandbox/admin/im/receive`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ to_open_id: openId, ...body }),
  });
  if (!sent.ok) throw new Error(`im/receive: ${sent.status} ${await sent.text()}`);
  return (await sent.json()).content.conversation_short_id;
}

// One customer asks for a person; the agent opens the conversation from the live inbox and takes it over, so
// later messages are the customer's alone (no bot reply in between).
const customer = `bench-customer-${Date.now()}`;
await page.goto('/inbox?state=waiting_human');
await page.getByTestId('live-status').filter({ hasText: '实时' }).waitFor();
const chat = await customerWrites({ from_open_id: customer, text: '转人工，想问问团购券' });
await page.locator(`[data-testid="conversation-item"][data-open-id="${customer}"]`).click();
await page.getByTestId('takeover').click();
await page.getByTestId('conversation-state').filter({ hasText: '人工中' }).waitFor();

const ms = [];
let live = 0;
for (let i = 0; i < runs; i += 1) {
  // A random pause first: back to back, each message would leave at the same point of the BFF's event poll
  // (LIVE_EVENTS_POLL_SECONDS) right after the previous one showed, and every run would see the same wait.
  await page.waitForTimeout(200 + Math.random() * 800);
  if ((await page.getByTestId('live-status').textContent()) === '实时') live += 1;
  const text = `bench ${i} ${Math.random().toString(36).slice(2, 10)}`;
  // Armed before the message leaves, so it resolves on the first frame that shows it.
  const shown = page.waitForFunction(
    (t) => document.querySelector('[data-testid="transcript"]')?.textContent?.includes(t) === true,
    text,
    { polling: 'raf', timeout: TIMEOUT_MS },
  );
  const start = performance.now();
  await customerWrites({ from_open_id: customer, text, conversation_short_id: chat });
  await shown;
  ms.push(performance.now() - start);
}
await browser.close();
process.stdout.write(`${JSON.stringify({ ms, live_runs: live })}\n`);

import { type APIRequestContext, expect, type Page, test } from '@playwright/test';

const ENTERPRISE = '小鹿咖啡馆';

async function token(page: Page): Promise<string> {
  const value = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  expect(value).toBeTruthy();
  return value ?? '';
}

/**
 * Binds the sandbox's enterprise account to the demo tenant through the consent page (the bind link works
 * in the browser that opened it), and answers the sandbox's address and the account's open_id.
 */
async function bindEnterpriseAccount(
  page: Page,
  bearer: string,
): Promise<{ sandbox: string; openId: string }> {
  const headers = { Authorization: `Bearer ${bearer}` };
  const started = await page.request.post('/api/v1/douyin/accounts/bind', { headers });
  expect(started.ok()).toBeTruthy();
  await page.goto((await started.json()).authorize_url);
  const choice = page.locator('label.user', { hasText: ENTERPRISE }).locator('input[name="open_id"]');
  const openId = (await choice.getAttribute('value')) ?? '';
  const sandbox = new URL(page.url()).origin;
  await choice.check();
  await page.getByRole('button', { name: '同意授权' }).click();
  await expect
    .poll(async () => {
      const accounts = await (await page.request.get('/api/v1/douyin/accounts', { headers })).json();
      return (accounts as { open_id: string; status?: string }[]).some((a) => a.open_id === openId);
    })
    .toBe(true);
  return { sandbox, openId };
}

/** A customer writes to the account through the sandbox's admin API, as tests/support/conversations.py does. */
async function customerWrites(
  request: APIRequestContext,
  sandbox: string,
  body: { to_open_id: string; from_open_id: string; text: string; conversation_short_id?: string | null },
): Promise<string> {
  const sent = await request.post(`${sandbox}/sandbox/admin/im/receive`, { data: body });
  expect(sent.ok()).toBeTruthy();
  return (await sent.json()).content.conversation_short_id as string;
}

test('a customer asks for a person: the conversation appears live, the agent takes it over and replies', async ({
  page,
}) => {
  await page.goto('/inbox');
  const bearer = await token(page);
  const { sandbox, openId } = await bindEnterpriseAccount(page, bearer);
  const customer = `e2e-customer-${Date.now()}`;

  // The inbox is open on "waiting for a human" before the customer writes: what follows arrives live.
  await page.goto('/inbox?state=waiting_human');
  await expect(page.getByTestId('live-status')).toHaveText('实时');
  const chat = await customerWrites(page.request, sandbox, {
    to_open_id: openId,
    from_open_id: customer,
    text: '转人工，我想问问团购券怎么用',
  });
  const item = page.locator(`[data-testid="conversation-item"][data-open-id="${customer}"]`);
  await expect(item).toBeVisible();

  await item.click();
  await expect(page.getByTestId('transcript')).toContainText('我想问问团购券怎么用');
  await expect(page.getByTestId('customer-card')).toBeVisible();
  await page.getByTestId('takeover').click();
  await expect(page.getByTestId('conversation-state')).toHaveText('人工中');

  const reply = `您好，我是店长，团购券到店出示即可 ${Date.now() % 10_000}`;
  await page.getByTestId('reply-text').fill(reply);
  await page.getByTestId('reply-send').click();
  await expect(page.getByTestId('transcript')).toContainText(reply);
  await expect(page.getByTestId('reply-text')).toHaveValue('');

  // The customer sees it in the sandbox's chat.
  await expect
    .poll(async () => {
      const seen = await (
        await page.request.get(`${sandbox}/sandbox/admin/im/messages`, { params: { conversation_id: chat } })
      ).json();
      return (seen as { direction: string; content?: { text?: string }; text?: string }[]).some(
        (m) => m.direction === 'sent' && JSON.stringify(m).includes(reply),
      );
    })
    .toBe(true);

  // A later customer message shows live in the transcript of the open conversation.
  await customerWrites(page.request, sandbox, {
    to_open_id: openId,
    from_open_id: customer,
    text: '好的，谢谢店长',
    conversation_short_id: chat,
  });
  await expect(page.getByTestId('transcript')).toContainText('好的，谢谢店长');

  // Away from the inbox, a new customer message puts a badge on the menu.
  await page.getByTestId('side-menu').getByText('我的任务').click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByTestId('live-status')).toHaveCount(0);
  await customerWrites(page.request, sandbox, {
    to_open_id: openId,
    from_open_id: customer,
    text: '还有一个问题',
    conversation_short_id: chat,
  });
  await expect(page.getByTestId('menu-inbox').locator('.ant-badge-count')).toHaveText('1');
});

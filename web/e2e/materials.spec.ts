import { expect, test } from '@playwright/test';

test('create a library, upload a document, find it by search, add a version', async ({ page }) => {
  const stamp = Date.now();
  await page.goto('/materials');
  await page.getByTestId('new-library').click();
  await page.getByTestId('library-name').fill(`报价资料 ${stamp}`);
  await page.getByRole('button', { name: /确\s*定|OK/ }).click();
  await expect(page.getByTestId('libraries')).toContainText(`报价资料 ${stamp}`);
  await expect(page).toHaveURL(/library=/);

  await page.getByTestId('upload-material').click();
  const form = page.getByTestId('upload-form');
  await form.getByTestId('upload-title').fill(`防晒霜价目 ${stamp}`);
  await form.locator('input[type="file"]').setInputFiles({
    name: 'prices.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(`防晒霜 SPF50 团购价 ${stamp} 元\n`),
  });
  await form.getByTestId('upload-submit').click();
  await expect(page.getByTestId('material-drawer')).toBeVisible();
  await expect(page.getByTestId('material-versions').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('material-versions')).toContainText('prices.txt');
  await page
    .getByTestId('material-drawer')
    .getByRole('button', { name: /^(Close|关闭)$/ })
    .click();

  await page.getByTestId('material-search').fill('团购价');
  await page.getByTestId('material-search').press('Enter');
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByTestId('materials')).toContainText(`防晒霜价目 ${stamp}`);

  await page.getByText(`防晒霜价目 ${stamp}`).click();
  const drawer = page.getByTestId('material-drawer');
  await drawer.getByTestId('upload-text').fill('团购价更新：每瓶 99 元');
  await drawer.getByTestId('upload-submit').click();
  await expect(drawer.getByTestId('material-versions').locator('tbody tr')).toHaveCount(2);
  await expect(drawer).toContainText('v2');
});

test('an agent who contributes to a library adds documents, but images and videos only say who may', async ({
  page,
  browser,
}) => {
  const stamp = Date.now();
  await page.goto('/materials');
  const bearer = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  const headers = { Authorization: `Bearer ${bearer}` };
  const password = `agent-pass-${stamp}`;
  const created = await page.request.post('/api/v1/users', {
    headers,
    data: { username: `agent${stamp}`, display_name: `客服 ${stamp}`, password, role: 'agent' },
  });
  expect(created.ok()).toBeTruthy();
  const agentId = (await created.json()).id as string;
  const library = await page.request.post('/api/v1/material-libraries', {
    headers,
    data: { name: `客服资料 ${stamp}`, description: '', bot_may_use: false },
  });
  expect(library.ok()).toBeTruthy();
  const libraryId = (await library.json()).id as string;
  const member = await page.request.put(`/api/v1/material-libraries/${libraryId}/members`, {
    headers,
    data: { user_id: agentId, permission: 'contributor' },
  });
  expect(member.ok()).toBeTruthy();

  const agent = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const tab = await agent.newPage();
  await tab.goto(`/materials?library=${libraryId}`);
  await tab.getByTestId('login-username').fill(`agent${stamp}`);
  await tab.getByTestId('login-password').fill(password);
  await tab.getByTestId('login-submit').click();
  await expect(tab.getByTestId('libraries')).toContainText(`客服资料 ${stamp}`);
  await tab.getByTestId('upload-material').click();
  const form = tab.getByTestId('upload-form');
  await expect(form).toContainText('只有管理员和运营可以上传');
  await form.getByTestId('upload-kind').click();
  await expect(tab.locator('.ant-select-item-option-disabled', { hasText: '图片' })).toBeVisible();
  await expect(tab.locator('.ant-select-item-option-disabled', { hasText: '视频' })).toBeVisible();
  await tab.locator('.ant-select-item-option', { hasText: '问答' }).click();
  await form.getByTestId('upload-title').fill(`营业时间 ${stamp}`);
  await form.getByTestId('upload-text').fill('门店每天 10:00-22:00 营业');
  await form.getByTestId('upload-submit').click();
  await expect(tab.getByTestId('material-drawer')).toBeVisible();
  await expect(tab.getByTestId('material-versions').locator('tbody tr')).toHaveCount(1);
  await agent.close();
});

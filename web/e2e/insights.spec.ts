import { expect, type Page, test } from '@playwright/test';

/** The signed-in page's own token: the spec asks the BFF what the page should show. */
async function api(page: Page, path: string): Promise<unknown> {
  const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok()).toBe(true);
  return response.json();
}

test('the review dashboard shows the customer funnel as the BFF counts it, with the unattributed share explained', async ({
  page,
}) => {
  await page.goto('/performance');
  const funnel = page.getByTestId('funnel');
  await expect(funnel).toBeVisible();
  const board = (await api(page, '/api/v1/dashboard')) as {
    customers: { funnel: Record<string, number>; attribution_days: number };
  };
  for (const stage of ['contents', 'views', 'private_messages', 'comments', 'leads', 'deals']) {
    await expect(funnel.getByTestId(`stage-${stage}`)).toContainText(
      String(board.customers.funnel[stage] ?? 0),
    );
  }
  await expect(funnel.getByTestId('unattributed')).toContainText(`${board.customers.attribution_days} 天内`);
  await expect(funnel.getByTestId('unattributed-row')).toBeVisible();
  await expect(page.getByTestId('content-side')).toBeVisible();
});

test('an admin creates a brand profile in settings; it is listed and offered by the knowledge base’s brand picker', async ({
  page,
}) => {
  const name = `品牌${Date.now() % 1_000_000}`;
  await page.goto('/settings?tab=brands');
  await page.getByTestId('brand-new').click();
  // The form's own rule first; then a word the BFF refuses (over its 20 characters): its 422 lands on the field.
  await page.getByTestId('form-save').click();
  await expect(page.getByTestId('brand-form')).toContainText('必填');
  await page.getByTestId('brand-name').fill(name);
  await page.getByTestId('brand-industry').fill('护肤');
  const avoid = page.getByTestId('brand-avoid');
  await avoid.locator('input').fill('这是一个远远超过二十个字符长度限制的禁用词语');
  await avoid.locator('input').press('Enter');
  await page.getByTestId('form-save').click();
  const avoidItem = page.locator('.ant-form-item', { has: avoid });
  await expect(avoidItem.locator('.ant-form-item-explain-error')).toContainText('20');
  await avoid.locator('.ant-select-selection-item-remove').click();
  await page.getByTestId('form-save').click();
  await expect(page.getByTestId('brand-form')).toBeHidden();
  await expect(page.getByTestId('brand-list')).toContainText(name);

  await page.getByRole('tab', { name: '知识库' }).click();
  await page.getByRole('button', { name: '新建知识' }).click();
  await page.getByTestId('brand-picker').click();
  await expect(page.locator('.ant-select-item-option', { hasText: name })).toBeVisible();
});

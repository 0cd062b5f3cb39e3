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

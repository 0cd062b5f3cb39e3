import { expect, test } from '@playwright/test';

test('generate titles, see them checked, open the draft with its versions', async ({ page }) => {
  await page.goto('/create/titles');
  const topic = `夏季防晒霜推荐 ${Date.now()}`;
  await page.getByTestId('topic').fill(topic);
  await page.getByTestId('generate').click();

  const results = page.getByTestId('results');
  await expect(results).toBeVisible();
  await expect(results.getByTestId('candidate').first()).toBeVisible();
  expect(await results.getByTestId('candidate').count()).toBe(5);
  await expect(results.getByTestId('compliance')).toBeVisible();
  const firstTitle = (
    (await results.getByTestId('candidate').first().locator('span').first().textContent()) ?? ''
  )
    .replace(/^1\.\s*/, '')
    .trim();

  await results.getByTestId('open-draft').click();
  await expect(page).toHaveURL(/\/contents\/[^/]+$/);
  const draft = new URL(page.url()).pathname;
  const detail = page.getByTestId('content-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toContainText(topic);
  await expect(detail.getByTestId('content-body')).toContainText(firstTitle);
  await expect(page.getByTestId('versions').locator('tbody tr')).toHaveCount(1);

  await page.getByRole('link', { name: /返回列表/ }).click();
  await expect(page.locator(`a[href="${draft}"]`)).toBeVisible();
});

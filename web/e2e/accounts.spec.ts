import { expect, test } from '@playwright/test';
import { SANDBOX } from './douyin';

test('bind an account through the consent page, come back to it listed healthy, then unbind it', async ({
  page,
}) => {
  const { openId, nickname } = SANDBOX.travel;
  await page.goto('/accounts');
  await expect(page.getByTestId('bind-account')).toBeVisible();
  await page.getByTestId('bind-account').click();

  // Douyin's consent page (the sandbox's): pick the account, keep the scopes offered, agree.
  await expect(page.getByRole('button', { name: '同意授权' })).toBeVisible();
  await page.locator(`input[name="open_id"][value="${openId}"]`).check();
  await page.getByRole('button', { name: '同意授权' }).click();

  await expect(page).toHaveURL(/\/accounts\?account_id=[^&]+&status=bound$/);
  await expect(page.getByTestId('bind-result')).toContainText(`抖音账号“${nickname}”已绑定`);
  const row = page.getByTestId(`account-${openId}`);
  await expect(row.getByTestId('health')).toHaveText('正常');
  await expect(row.getByTestId('customer-service')).toHaveText('可用');

  await row.getByTestId('unbind').click();
  await page.getByTestId('unbind-confirm').click();
  await expect(row).toHaveCount(0);
  await page.getByTestId('show-unbound').click();
  await expect(page.getByTestId(`account-${openId}`).getByTestId('health')).toHaveText('已解绑');
});

import { expect, test as setup } from '@playwright/test';

export const ADMIN_STATE = 'test-results/.auth/admin.json';
const PASSWORD = process.env.DOUFLOW_DEMO_PASSWORD ?? 'douflow-demo';

/** Logs in once through the login page; the specs reuse the stored session (its token in localStorage). */
setup('log in as the demo admin', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/create\/titles$/);
  await expect(page.getByTestId('user-menu')).toContainText('admin');
  await page.context().storageState({ path: ADMIN_STATE });
});

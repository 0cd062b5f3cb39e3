import { expect, type Page, test } from '@playwright/test';

const PASSWORD = process.env.DOUFLOW_DEMO_PASSWORD ?? 'douflow-demo';
const SIGNED_OUT = { cookies: [], origins: [] };

async function logIn(page: Page): Promise<void> {
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
}

// Its own login: logging out here must not end the session the other specs share.
test.use({ storageState: SIGNED_OUT });

test('a reload keeps the session; logout ends it at the BFF, and its token then leads to login and back', async ({
  page,
  browser,
}) => {
  await page.goto('/contents');
  await expect(page).toHaveURL(/\/login\?next=%2Fcontents$/);
  await logIn(page);
  await expect(page).toHaveURL(/\/contents$/);
  await page.reload();
  await expect(page.getByTestId('user-menu')).toContainText('admin');
  const token = await page.evaluate(() => window.localStorage.getItem('douflow.token'));
  expect(token).toBeTruthy();

  await page.getByTestId('user-menu').hover();
  await page.getByText('退出登录').click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await page.evaluate(() => window.localStorage.getItem('douflow.token'))).toBeNull();

  // The logged-out token, planted in another browser: the BFF answers 401, the console goes to login.
  const other = await browser.newContext({ storageState: SIGNED_OUT });
  const second = await other.newPage();
  await second.goto('/login');
  await second.evaluate((t) => window.localStorage.setItem('douflow.token', t ?? ''), token);
  await second.goto('/contents?kind=titles');
  await expect(second).toHaveURL(/\/login\?next=%2Fcontents%3Fkind%3Dtitles$/);
  await logIn(second);
  await expect(second).toHaveURL(/\/contents\?kind=titles$/);
  await other.close();
});

import { expect, type Page, test } from '@playwright/test';

/** Drags a palette entry onto the canvas at a point of the canvas (HTML5 drag and drop, as a person does). */
async function drop(page: Page, kind: string, x: number, y: number) {
  await page.getByTestId(`palette-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Draws an edge from a node's named handle to another node's input, with the mouse. */
async function connect(page: Page, from: string, handle: string, to: string) {
  const source = page.locator(`.react-flow__handle[data-nodeid="${from}"][data-handleid="${handle}"]`);
  const target = page.locator(`.react-flow__handle[data-nodeid="${to}"][data-handleid="in"]`);
  await source.hover();
  await page.mouse.down();
  const box = await target.boundingBox();
  if (!box) throw new Error(`no input handle on ${to}`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
}

test('build a journey in the designer, fix the node the server refuses, save, publish, and keep its settings and layout', async ({
  page,
}) => {
  await page.goto('/journeys');
  await page.getByTestId('new-journey').click();
  await expect(page).toHaveURL(/\/journeys\/new$/);
  const name = `回访旅程 ${Date.now()}`;
  await page.getByTestId('journey-name').fill(name);

  await drop(page, 'trigger', 30, 30);
  await drop(page, 'decision', 260, 140);
  await drop(page, 'exit', 30, 270);
  const trigger = page.getByTestId('node-trigger_1');
  const decision = page.getByTestId('node-decision_1');
  const exit = page.getByTestId('node-exit_1');
  await expect(trigger).toBeVisible();
  await expect(decision).toBeVisible();
  await expect(exit).toBeVisible();

  // Nothing connected yet: the graph rules name the branches without an edge, and saving waits for them.
  await expect(decision).toHaveAttribute('data-problem', 'true');
  await expect(decision.getByTestId('node-problem')).toContainText('分支没有连线');
  await expect(page.getByTestId('save')).toBeDisabled();

  await connect(page, 'trigger_1', 'next', 'decision_1');
  await connect(page, 'decision_1', 'yes', 'exit_1');
  await connect(page, 'decision_1', 'no', 'exit_1');
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await expect(decision).toHaveAttribute('data-problem', 'false');
  await expect(trigger).toHaveAttribute('data-problem', 'false');

  // A decision waiting longer than the server allows: its 422 lands on the node.
  await decision.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText('decision_1');
  await panel.getByTestId('field-timeout').fill('50000');
  await expect(decision).toContainText('50000');
  await page.getByTestId('save').click();
  await expect(decision).toHaveAttribute('data-problem', 'true');
  await expect(decision.getByTestId('node-problem')).toContainText('30 days');
  await expect(page).toHaveURL(/\/journeys\/new$/);

  await panel.getByTestId('field-timeout').fill('1440');
  await expect(decision).toHaveAttribute('data-problem', 'false');
  await page.getByTestId('save').click();
  await expect(page).toHaveURL(/\/journeys\/(?!new)[^/]+$/);
  await expect(page.getByText('草稿已保存')).toBeVisible();
  // The canvas stays as it was drawn.
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);

  await page.getByTestId('publish').click();
  await expect(page.getByText('已发布版本 v1')).toBeVisible();

  // The journey's settings and where a node was put are saved with the draft and are there after a reload.
  await page.getByTestId('settings-open').click();
  const settings = page.getByTestId('settings-panel');
  await settings.getByText('隔一段时间后').click();
  await expect(settings).toContainText('间隔天数须为 1–365 的整数');
  await expect(page.getByTestId('save')).toBeDisabled();
  await settings.getByTestId('settings-reentry-days').fill('14');
  await expect(settings).not.toContainText('间隔天数须为 1–365 的整数');
  await settings.getByTestId('settings-exit-on-reply').click();
  await expect(settings.getByTestId('settings-exit-on-reply')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('settings-close').click();
  await expect(settings).toBeHidden();

  const exitBox = page.locator('.react-flow__node[data-id="exit_1"]');
  const placed = () => exitBox.evaluate((el) => (el as HTMLElement).style.transform);
  const before = await placed();
  const box = await exitBox.boundingBox();
  if (!box) throw new Error('the exit node is not drawn');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 180, box.y + box.height / 2 + 90, { steps: 10 });
  await page.mouse.up();
  await expect.poll(placed).not.toBe(before);
  const moved = await placed();
  await expect(page.getByTestId('publish')).toBeDisabled();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save')).toBeDisabled();
  await expect(page.getByTestId('publish')).toBeEnabled();

  await page.reload();
  await expect(page.getByTestId('node-exit_1')).toBeVisible();
  await expect.poll(placed).toBe(moved);
  await page.getByTestId('settings-open').click();
  await expect(settings.locator('.ant-radio-button-wrapper-checked')).toHaveText('隔一段时间后');
  await expect(settings.getByTestId('settings-reentry-days')).toHaveValue('14');
  await expect(settings.getByTestId('settings-exit-on-reply')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('settings-close').click();
  await page.getByRole('tab', { name: '版本' }).click();
  const versions = page.getByTestId('versions');
  await expect(versions.locator('tbody tr')).toHaveCount(1);
  await expect(versions).toContainText('v1');

  await page.getByRole('link', { name: '返回列表' }).click();
  const row = page.getByTestId('journeys').locator('tr', { hasText: name });
  await expect(row).toContainText('v1');
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { SettingsPage } from '.';

const ADMIN = { user_id: 'u', tenant_id: 't', username: 'ada', role: 'admin' };
const OPERATOR = { ...ADMIN, role: 'operator' };

function brandsBff(me: typeof ADMIN) {
  const brands: object[] = [];
  return fakeBff({
    'GET /api/v1/auth/me': () => json(me),
    'GET /api/v1/users': () =>
      json([{ id: 'u', username: 'ada', role: 'admin', display_name: '', disabled: false }]),
    'GET /api/v1/douyin/accounts': () => json([{ id: 'a1', nickname: '小美护肤', open_id: 'o1' }]),
    'GET /api/v1/brands': () => json({ items: brands, total: brands.length, limit: 200, offset: 0 }),
    'POST /api/v1/brands': async (request) => {
      const body = (await request.json()) as { name: string; avoid_words?: string[] };
      if (body.name.includes('最')) {
        return json(
          {
            detail: 'invalid request',
            code: 'invalid_request',
            errors: [{ field: 'name', message: 'a brand name may not claim to be the best' }],
          },
          422,
        );
      }
      const view = {
        id: `b${brands.length + 1}`,
        version: 1,
        profile: body,
        archived: false,
        created_by: 'u',
        created_at: '2026-12-02T00:00:00Z',
        updated_at: '2026-12-02T00:00:00Z',
      };
      brands.push(view);
      return json(view, 201);
    },
  });
}

describe('SettingsPage', () => {
  // Typing into antd's inputs is slow on a busy machine: this test's steps get a minute.
  it('creates a brand: the BFF’s 422 lands on its field, a fixed name is saved and listed', {
    timeout: 60_000,
  }, async () => {
    setToken('tok');
    const bff = brandsBff(ADMIN);
    renderAt('/settings?tab=brands', [{ path: '/settings', element: <SettingsPage /> }]);

    expect(await screen.findByText('还没有品牌档案')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('brand-new'));
    await userEvent.click(await screen.findByTestId('form-save'));
    expect(await screen.findByText('必填')).toBeInTheDocument();

    const name = screen.getByTestId('brand-name');
    await userEvent.type(name, '最好的防晒');
    await userEvent.click(screen.getByTestId('form-save'));
    expect(await screen.findByText('a brand name may not claim to be the best')).toBeInTheDocument();

    await userEvent.clear(name);
    await userEvent.type(name, '小美护肤');
    await userEvent.click(screen.getByTestId('form-save'));
    const list = await screen.findByTestId('brand-list');
    expect(await within(list).findByText('小美护肤')).toBeInTheDocument();
    const posts = bff.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(await posts[1].json()).toMatchObject({ name: '小美护肤' });
  });

  it('shows users and robots to admins only', async () => {
    setToken('tok');
    brandsBff(ADMIN);
    renderAt('/settings', [{ path: '/settings', element: <SettingsPage /> }]);
    expect(await screen.findByRole('tab', { name: '用户与角色' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: '通知机器人' })).toBeInTheDocument();
  });

  it('leaves users and robots out for operators', async () => {
    setToken('tok');
    brandsBff(OPERATOR);
    renderAt('/settings?tab=users', [{ path: '/settings', element: <SettingsPage /> }]);
    expect(await screen.findByRole('tab', { name: '品牌档案', selected: true })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: '用户与角色' })).toBeNull();
    expect(screen.queryByRole('tab', { name: '通知机器人' })).toBeNull();
  });

  it('asks before unsaved edits of a form are lost, and keeps them when told to', {
    timeout: 60_000,
  }, async () => {
    setToken('tok');
    brandsBff(ADMIN);
    renderAt('/settings?tab=brands', [{ path: '/settings', element: <SettingsPage /> }]);
    await userEvent.click(await screen.findByTestId('brand-new'));
    await userEvent.type(await screen.findByTestId('brand-name'), '半成品');
    await userEvent.click(screen.getByRole('button', { name: '取 消' }));
    const ask = await screen.findByText('有未保存的修改，确定离开？', {
      selector: '.ant-modal-confirm-title',
    });
    const dialog = ask.closest('.ant-modal-confirm') as HTMLElement;
    await userEvent.click(within(dialog).getByRole('button', { name: '留在此页' }));
    expect(screen.getByTestId('brand-name')).toHaveValue('半成品');
  });

  it('shows the BFF’s 422 on the replication rule’s field', async () => {
    setToken('tok');
    const rule = {
      enabled: true,
      metric: 'play_count',
      ratio: 3,
      min_samples: 5,
      min_value: 0,
      min_age_minutes: 60,
      max_age_hours: 72,
      baseline_days: 30,
      variant_count: 3,
      similarity_threshold: 0.6,
      auto_schedule: false,
    };
    fakeBff({
      'GET /api/v1/auth/me': () => json(OPERATOR),
      'GET /api/v1/viral-rules': () => json(rule),
      'PUT /api/v1/viral-rules': () =>
        json(
          {
            detail: 'invalid request',
            code: 'invalid_request',
            errors: [{ field: 'body.min_samples', message: 'too few samples for this baseline' }],
          },
          422,
        ),
    });
    renderAt('/settings?tab=viral', [{ path: '/settings', element: <SettingsPage /> }]);
    const samples = await screen.findByTestId('viral-min_samples');
    await waitFor(() => expect(samples).toHaveValue('5'));
    await userEvent.click(screen.getAllByRole('switch')[0]);
    await userEvent.click(screen.getByTestId('form-save'));
    expect(await screen.findByText('too few samples for this baseline')).toBeInTheDocument();
  });
});

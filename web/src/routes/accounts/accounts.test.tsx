import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../client/types.gen';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { AccountsPage, failureText } from './list';

const ADMIN = { user_id: 'u', tenant_id: 't', username: 'olivia', role: 'admin' };
const VIEWER = { ...ADMIN, role: 'viewer' };

const account = (over: Partial<AccountView>): AccountView => ({
  id: 'a1',
  open_id: 'open-1',
  nickname: '小鹿咖啡馆官方号',
  avatar: '',
  account_role: 'EAccountS',
  scopes: ['video.create.bind', 'im.direct_message'],
  health: 'ok',
  status_reason: null,
  access_expires_at: '2026-12-02T10:00:00Z',
  refresh_expires_at: '2027-01-01T10:00:00Z',
  renewals_left: 5,
  bound_at: '2026-12-01T08:00:00Z',
  unbound_at: null,
  token_workflow_id: 'account-tokens-a1',
  customer_service: { ready: true, missing_scopes: ['item.comment'], reason: 'partial' },
  ...over,
});

const route = [{ path: '/accounts', element: <AccountsPage /> }];

describe('AccountsPage', () => {
  it('shows each account with its health, reason and customer-service readiness', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(VIEWER),
      'GET /api/v1/douyin/accounts': () =>
        json([
          account({}),
          account({
            id: 'a2',
            open_id: 'open-2',
            nickname: '阿杰的厨房',
            account_role: '',
            health: 'needs_reconnect',
            status_reason: 'refresh token expired',
            customer_service: { ready: false, missing_scopes: ['im.direct_message'], reason: 'x' },
          }),
        ]),
    });
    renderAt('/accounts', route);

    const ok = (await screen.findByText('小鹿咖啡馆官方号')).closest('tr') as HTMLElement;
    expect(within(ok).getByTestId('health')).toHaveTextContent('正常');
    expect(within(ok).getByTestId('customer-service')).toHaveTextContent('部分可用');
    expect(within(ok).getByText('未授权：item.comment')).toBeInTheDocument();
    const broken = screen.getByText('阿杰的厨房').closest('tr') as HTMLElement;
    expect(within(broken).getByTestId('health')).toHaveTextContent('需重新授权');
    expect(within(broken).getByTestId('reason')).toHaveTextContent('refresh token expired');
    expect(within(broken).getByTestId('customer-service')).toHaveTextContent('不可用');
    // A viewer reads; binding and unbinding are for admins and operators.
    expect(screen.queryByTestId('bind-account')).toBeNull();
    expect(screen.queryByTestId('unbind')).toBeNull();
  });

  it('sends the browser to the bind link the BFF gives', async () => {
    setToken('tok');
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/douyin/accounts': () => json([]),
      'POST /api/v1/douyin/accounts/bind': () =>
        json({ authorize_url: 'http://bff.test/api/v1/douyin/oauth/start?state=s', expires_at: 'x' }, 201),
    });
    renderAt('/accounts', route);
    expect(await screen.findByText('还没有绑定抖音账号。')).toBeInTheDocument();
    await userEvent.click(await screen.findByTestId('bind-account'));
    await vi.waitFor(() =>
      expect(assign).toHaveBeenCalledWith('http://bff.test/api/v1/douyin/oauth/start?state=s'),
    );
    vi.unstubAllGlobals();
  });

  it('says which account came back bound from the consent page', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/douyin/accounts': () => json([account({})]),
    });
    const { router } = renderAt('/accounts?account_id=a1&status=bound', route);
    expect(await screen.findByText('抖音账号“小鹿咖啡馆官方号”已绑定')).toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId('bind-result')).getByRole('button'));
    expect(router.state.location.search).toBe('');
  });

  it('explains a failed binding by its code, and never shows text from the address', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/douyin/accounts': () => json([]),
    });
    renderAt('/accounts?status=failed&code=link_expired', route);
    const notice = await screen.findByTestId('bind-result');
    expect(notice).toHaveTextContent('绑定失败');
    expect(notice).toHaveTextContent('授权链接已过期（10 分钟内有效），请重新绑定。');
    expect(failureText('Call 400-123 now')).toBe('绑定没有完成，请重新绑定。');
    expect(failureText('constructor')).toBe('绑定没有完成，请重新绑定。');
    expect(failureText(null)).toBe('绑定没有完成，请重新绑定。');
  });

  it('unbinds after confirming, with an Idempotency-Key, and reads the list again', async () => {
    setToken('tok');
    let bound = true;
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/douyin/accounts': () => json(bound ? [account({})] : []),
      'DELETE /api/v1/douyin/accounts/a1': () => {
        bound = false;
        return json(account({ health: 'unbound' }));
      },
    });
    renderAt('/accounts', route);
    await userEvent.click(await screen.findByTestId('unbind'));
    expect(bff.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await userEvent.click(await screen.findByTestId('unbind-confirm'));
    expect(await screen.findByText('还没有绑定抖音账号。')).toBeInTheDocument();
    const sent = bff.requests.find((r) => r.method === 'DELETE');
    expect(sent?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows a failed list with a retry', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/douyin/accounts': () => json({ detail: 'database unreachable' }, 503),
    });
    renderAt('/accounts', route);
    expect(await screen.findByTestId('load-error')).toHaveTextContent('database unreachable');
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { getToken, setToken } from '../lib/session';
import { fakeBff, json } from '../test/fakeBff';
import { renderAt } from '../test/render';
import { SignedInLayout } from './layout';

const me = (role: string) => () => json({ user_id: 'u', tenant_id: 't', username: 'someone', role });

describe('SignedInLayout', () => {
  it('shows an operator both areas, and a viewer only the contents', async () => {
    setToken('tok');
    fakeBff({ 'GET /api/v1/auth/me': me('operator') });
    renderAt('/contents', [
      { path: '/', element: <SignedInLayout />, children: [{ path: 'contents', element: <p>list</p> }] },
    ]);
    const menu = await screen.findByTestId('side-menu');
    await screen.findByText('list');
    expect(within(menu).getByText('爆款标题')).toBeInTheDocument();
    expect(within(menu).getByText('内容列表')).toBeInTheDocument();
  });

  it('hides creation from a viewer', async () => {
    setToken('tok');
    fakeBff({ 'GET /api/v1/auth/me': me('viewer') });
    renderAt('/contents', [
      { path: '/', element: <SignedInLayout />, children: [{ path: 'contents', element: <p>list</p> }] },
    ]);
    await screen.findByText('list');
    const menu = screen.getByTestId('side-menu');
    expect(within(menu).queryByText('爆款标题')).toBeNull();
    expect(within(menu).queryByText('创作')).toBeNull();
    expect(within(menu).getByText('内容列表')).toBeInTheDocument();
    expect(screen.getByTestId('user-menu')).toHaveTextContent('只读');
  });

  it('logs out at the BFF, forgets the token and goes to the login page', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': me('admin'),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { router } = renderAt('/contents', [
      { path: '/', element: <SignedInLayout />, children: [{ path: 'contents', element: <p>list</p> }] },
      { path: '/login', element: <p>login page</p> },
    ]);
    await screen.findByText('list');
    await userEvent.hover(screen.getByTestId('user-menu'));
    await userEvent.click(await screen.findByText('退出登录'));

    await screen.findByText('login page');
    expect(router.state.location.pathname).toBe('/login');
    expect(getToken()).toBeNull();
    await waitFor(() =>
      expect(bff.requests.some((r) => r.method === 'POST' && r.url.endsWith('/api/v1/auth/logout'))).toBe(
        true,
      ),
    );
    const logout = bff.requests.find((r) => r.url.endsWith('/api/v1/auth/logout'));
    expect(logout?.headers.get('Authorization')).toBe('Bearer tok');
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { getToken } from '../lib/session';
import { fakeBff, json } from '../test/fakeBff';
import { renderAt } from '../test/render';
import { LoginPage } from './login';

describe('LoginPage', () => {
  it('posts the OAuth2 password form, keeps the token and goes back to next', async () => {
    const bff = fakeBff({
      'POST /api/v1/auth/token': () =>
        json({ access_token: 'tok-1', token_type: 'bearer', expires_in: 7200 }),
    });
    const { router } = renderAt('/login?next=%2Fcontents%3Fkind%3Dtitles', [
      { path: '/login', element: <LoginPage /> },
      { path: '/contents', element: <div>contents page</div> },
    ]);
    await userEvent.type(screen.getByTestId('login-username'), 'admin');
    await userEvent.type(screen.getByTestId('login-password'), 's3cret');
    await userEvent.click(screen.getByTestId('login-submit'));

    await screen.findByText('contents page');
    expect(router.state.location.search).toBe('?kind=titles');
    expect(getToken()).toBe('tok-1');
    const form = new URLSearchParams(await bff.requests[0].text());
    expect(Object.fromEntries(form)).toEqual({
      username: 'admin',
      password: 's3cret',
      grant_type: 'password',
    });
  });

  it('says a wrong password and keeps no token', async () => {
    fakeBff({ 'POST /api/v1/auth/token': () => json({ detail: 'wrong tenant, username or password' }, 401) });
    renderAt('/login', [{ path: '/login', element: <LoginPage /> }]);
    await userEvent.type(screen.getByTestId('login-username'), 'admin');
    await userEvent.type(screen.getByTestId('login-password'), 'nope');
    await userEvent.click(screen.getByTestId('login-submit'));

    expect(await screen.findByTestId('login-error')).toHaveTextContent('租户、用户名或密码错误');
    expect(getToken()).toBeNull();
  });

  it('asks for the required fields before sending anything', async () => {
    const bff = fakeBff({});
    renderAt('/login', [{ path: '/login', element: <LoginPage /> }]);
    await userEvent.click(screen.getByTestId('login-submit'));
    await waitFor(() => expect(screen.getAllByText('请填写此项')).toHaveLength(2));
    expect(bff.fetch).not.toHaveBeenCalled();
  });
});

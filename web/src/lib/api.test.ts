import { describe, expect, it, vi } from 'vitest';
import { authMe } from '../client/sdk.gen';
import { fakeBff, json } from '../test/fakeBff';
import { ApiError, configureApi, setUnauthorizedHandler } from './api';
import { getToken, setToken } from './session';

describe('the API client', () => {
  it('sends the bearer, and a 401 ends the session and goes to the login page', async () => {
    const bff = fakeBff({ 'GET /api/v1/auth/me': () => json({ detail: 'session ended' }, 401) });
    const toLogin = vi.fn();
    setUnauthorizedHandler(toLogin);
    configureApi('http://console.test');
    setToken('old-token');

    const failure = await authMe().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect((failure as ApiError).detail).toBe('session ended');
    expect(bff.requests[0].headers.get('Authorization')).toBe('Bearer old-token');
    expect(getToken()).toBeNull();
    expect(toLogin).toHaveBeenCalledOnce();
  });

  it('leaves the session alone on other errors', async () => {
    fakeBff({ 'GET /api/v1/auth/me': () => json({ detail: 'role may not' }, 403) });
    const toLogin = vi.fn();
    setUnauthorizedHandler(toLogin);
    configureApi('http://console.test');
    setToken('tok');
    // A 403 is said in the console's words; the BFF's English stays in the body.
    await expect(authMe()).rejects.toMatchObject({
      status: 403,
      detail: '当前角色无权执行此操作',
      body: { detail: 'role may not' },
    });
    expect(getToken()).toBe('tok');
    expect(toLogin).not.toHaveBeenCalled();
  });

  it("keeps a 4xx's detail meant for the user, and says a bare status in Chinese", async () => {
    const answers = [json({ detail: 'name: 不能为空' }, 422), new Response('bad gateway', { status: 502 })];
    fakeBff({ 'GET /api/v1/auth/me': () => answers.shift() as Response });
    configureApi('http://console.test');
    setToken('tok');
    await expect(authMe()).rejects.toMatchObject({ status: 422, detail: 'name: 不能为空' });
    await expect(authMe()).rejects.toMatchObject({ status: 502, detail: '请求失败（HTTP 502）' });
  });
});

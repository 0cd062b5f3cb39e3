import { afterEach, describe, expect, it, vi } from 'vitest';
import { setUnauthorizedHandler } from '../../lib/api';
import { getToken, setToken } from '../../lib/session';
import { sendWithProgress } from './upload';

/** An XMLHttpRequest that answers `send` with the given status and body, or fails as the network does. */
function fakeXhr(answer: { status: number; body: string } | 'network') {
  class FakeXhr {
    status = 0;
    responseText = '';
    upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    open(): void {}
    setRequestHeader(): void {}
    send(): void {
      queueMicrotask(() => {
        if (answer === 'network') {
          this.onerror?.();
          return;
        }
        this.status = answer.status;
        this.responseText = answer.body;
        this.onload?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
}

describe('an upload with progress', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('ends an expired session as every other call does: token gone, off to login', async () => {
    fakeXhr({ status: 401, body: JSON.stringify({ detail: 'access token rejected' }) });
    const toLogin = vi.fn();
    setUnauthorizedHandler(toLogin);
    setToken('tok');
    await expect(sendWithProgress('POST', '/api/v1/media', new FormData(), () => {})).rejects.toMatchObject({
      status: 401,
    });
    expect(getToken()).toBeNull();
    expect(toLogin).toHaveBeenCalledOnce();
  });

  it('says a lost connection and a refusal in Chinese, and leaves the session alone', async () => {
    const toLogin = vi.fn();
    setUnauthorizedHandler(toLogin);
    setToken('tok');
    fakeXhr('network');
    await expect(sendWithProgress('POST', '/api/v1/media', new FormData(), () => {})).rejects.toMatchObject({
      status: 0,
      detail: '网络连接失败，请检查网络后重试',
    });
    fakeXhr({ status: 403, body: JSON.stringify({ detail: "role 'agent' may not do this" }) });
    await expect(sendWithProgress('POST', '/api/v1/media', new FormData(), () => {})).rejects.toMatchObject({
      status: 403,
      detail: '当前角色无权执行此操作',
    });
    expect(getToken()).toBe('tok');
    expect(toLogin).not.toHaveBeenCalled();
  });
});

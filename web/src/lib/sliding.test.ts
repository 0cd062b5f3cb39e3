import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearToken, getToken, getTokenExpiry, setToken, startSlidingSession } from './session';

const MINUTE = 60_000;

describe('sliding session', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-02T09:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('refreshes shortly before expiry while the user is active, through a working day', async () => {
    setToken('t0', 30 * 60);
    let n = 0;
    const refresh = vi.fn(async () => ({ access_token: `t${++n}`, expires_in: 30 * 60 }));
    const stop = startSlidingSession({ refresh });
    // Eight hours of work: some activity every few minutes.
    for (let minute = 0; minute < 8 * 60; minute += 5) {
      window.dispatchEvent(new Event('keydown'));
      await vi.advanceTimersByTimeAsync(5 * MINUTE);
      expect((getTokenExpiry() ?? 0) - Date.now()).toBeGreaterThan(0);
    }
    expect(refresh.mock.calls.length).toBeGreaterThanOrEqual(16);
    expect(getToken()).toBe(`t${n}`);
    stop();
  });

  it('does not refresh early, nor for an idle console, so the session lapses', async () => {
    setToken('t0', 30 * 60);
    const refresh = vi.fn(async () => ({ access_token: 'new', expires_in: 30 * 60 }));
    const stop = startSlidingSession({ refresh });
    window.dispatchEvent(new Event('pointerdown'));
    await vi.advanceTimersByTimeAsync(27 * MINUTE);
    expect(refresh).not.toHaveBeenCalled(); // more than the margin left
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(getToken()).toBe('new');
    // No activity since: the fresh token is left to expire.
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(1);
    stop();
  });

  it('keeps the token it has when a refresh fails, and stops listening when stopped', async () => {
    setToken('t0', 60);
    const refresh = vi.fn(async () => {
      throw new Error('offline');
    });
    const stop = startSlidingSession({ refresh });
    window.dispatchEvent(new Event('mousemove'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(getToken()).toBe('t0');
    stop();
    window.dispatchEvent(new Event('mousemove'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("never lets a refresh begun before a logout replace the next user's token", async () => {
    setToken('amy', 60);
    let answer: (value: { access_token: string; expires_in: number }) => void = () => {};
    const refresh = vi.fn(
      () =>
        new Promise<{ access_token: string; expires_in: number }>((resolve) => {
          answer = resolve;
        }),
    );
    const stop = startSlidingSession({ refresh });
    window.dispatchEvent(new Event('keydown'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    // Amy logs out and Bob logs in while Amy's refresh is still on its way.
    clearToken();
    setToken('bob', 30 * 60);
    answer({ access_token: 'amy-refreshed', expires_in: 30 * 60 });
    await vi.advanceTimersByTimeAsync(0);
    expect(getToken()).toBe('bob');
    stop();
  });
});

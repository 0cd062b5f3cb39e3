import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../lib/live';
import { clearToken, setToken } from '../../lib/session';
import { markAllRead, noteEvent, resetUnread, unreadCount, useInboxOpen } from './unread';

function event(id: number, payload: Record<string, unknown>): LiveEvent {
  return { id, kind: 'message', subject_id: 'c1', at: 'x', payload };
}

describe('unread customer messages', () => {
  afterEach(() => resetUnread());

  it('counts each new customer message once and notifies, but not replies or status changes', () => {
    const notify = vi.fn();
    const customer = { conversation_id: 'c1', author: 'customer', status: 'received', message_id: 'm1' };
    expect(noteEvent(event(1, customer), notify)).toBe(true);
    expect(noteEvent(event(2, customer), notify)).toBe(false); // the same message again
    expect(
      noteEvent(event(3, { ...customer, author: 'bot', status: 'sent', message_id: 'm2' }), notify),
    ).toBe(false);
    expect(noteEvent({ ...event(4, {}), kind: 'conversation' }, notify)).toBe(false);
    expect(unreadCount()).toBe(1);
    expect(notify).toHaveBeenCalledTimes(1);
    markAllRead();
    expect(unreadCount()).toBe(0);
  });

  it('clears what came while the inbox tab was hidden once the agent comes back to it', () => {
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const inbox = renderHook(() => useInboxOpen());
    const customer = { author: 'customer', status: 'received' };
    noteEvent(event(1, { ...customer, message_id: 'm1' }), vi.fn());
    noteEvent(event(2, { ...customer, message_id: 'm2' }), vi.fn());
    expect(unreadCount()).toBe(2);
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(unreadCount()).toBe(0);
    // Away from the inbox, coming back to the tab leaves the count as it is.
    inbox.unmount();
    noteEvent(event(3, { ...customer, message_id: 'm3' }), vi.fn());
    document.dispatchEvent(new Event('visibilitychange'));
    expect(unreadCount()).toBe(1);
    visibility.mockRestore();
  });

  it("forgets the count when the session ends, so the next user never sees another's badge", () => {
    setToken('tok');
    const customer = { author: 'customer', status: 'received', message_id: 'm1' };
    noteEvent(event(1, customer), vi.fn());
    expect(unreadCount()).toBe(1);
    clearToken(); // logout, or a 401
    expect(unreadCount()).toBe(0);
    // What was counted is forgotten too: the same message for the next user counts again.
    expect(noteEvent(event(1, customer), vi.fn())).toBe(true);
  });
});

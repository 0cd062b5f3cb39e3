import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../lib/live';
import { markAllRead, noteEvent, resetUnread, unreadCount } from './unread';

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
});

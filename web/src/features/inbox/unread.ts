import { useEffect, useSyncExternalStore } from 'react';
import type { LiveEvent } from '../../lib/live';
import { onSessionEnd } from '../../lib/session';
import { onLiveEvent } from '../../lib/useLive';
import { zhCN } from '../../locales/zh-CN';

/**
 * New customer messages the agent has not looked at: a count for the menu's badge, cleared by opening the
 * inbox (or coming back to its tab), and a desktop notification when the browser allows it and the inbox is
 * not what the agent sees. The count is the signed-in user's: a logout or an expired session forgets it.
 */
let unread = 0;
const subscribers = new Set<() => void>();
const counted = new Set<string>();
let inboxOpen = false;

function publish(): void {
  for (const notify of subscribers) notify();
}

export function unreadCount(): number {
  return unread;
}

export function markAllRead(): void {
  unread = 0;
  publish();
}

/** Counts a live event if it is a new customer message; returns whether it did. */
export function noteEvent(
  event: LiveEvent,
  notify: (title: string, body: string) => void = desktopNotice,
): boolean {
  if (
    event.kind !== 'message' ||
    event.payload.author !== 'customer' ||
    event.payload.status !== 'received'
  ) {
    return false;
  }
  const messageId = String(event.payload.message_id ?? event.id);
  if (counted.has(messageId)) return false;
  counted.add(messageId);
  const seeing = inboxOpen && typeof document !== 'undefined' && document.visibilityState === 'visible';
  if (!seeing) {
    unread += 1;
    publish();
  }
  if (!seeing || document.hidden) notify(zhCN.inbox.notifyTitle, zhCN.inbox.notifyBody);
  return true;
}

function desktopNotice(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, tag: 'douflow-inbox' });
  } catch {
    // Some browsers only allow notifications from a service worker: the badge is enough there.
  }
}

/** Whether the browser could still be asked (only on a user's gesture: a click). */
export function canAskNotifications(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}

export async function askNotifications(): Promise<NotificationPermission | undefined> {
  if (typeof Notification === 'undefined') return undefined;
  return Notification.requestPermission();
}

export function useUnreadCount(): number {
  return useSyncExternalStore(
    (notify) => {
      subscribers.add(notify);
      return () => subscribers.delete(notify);
    },
    () => unread,
  );
}

/** Mounted by the menu's inbox label: counts new customer messages for as long as the console is open. */
export function useUnreadCounter(): void {
  useEffect(() => onLiveEvent((event) => void noteEvent(event)), []);
}

/**
 * Mounted by the inbox page: what arrives while it is on screen is not unread, and what arrived while its
 * tab was hidden is read once the agent comes back to it.
 */
export function useInboxOpen(): void {
  useEffect(() => {
    inboxOpen = true;
    markAllRead();
    const onVisible = () => {
      if (document.visibilityState === 'visible') markAllRead();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      inboxOpen = false;
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}

function forgetCounted(): void {
  unread = 0;
  counted.clear();
  publish();
}

onSessionEnd(forgetCounted);

/** For tests: forget everything counted. */
export function resetUnread(): void {
  forgetCounted();
  inboxOpen = false;
}

import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventSourceLike, type LiveEvent, type LiveStatus, startLive } from './live';

/** A stand-in EventSource the test drives: it delivers named events and errors on demand. */
class FakeSource implements EventSourceLike {
  readyState = 0;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private handlers = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: unknown, lastEventId = ''): void {
    this.readyState = 1;
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId });
    for (const handler of this.handlers.get(type) ?? []) handler(event);
  }
  fail(readyState: number): void {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

function message(id: number, conversation = 'c1'): LiveEvent {
  return {
    id,
    kind: 'message',
    subject_id: conversation,
    at: '2026-01-01T00:00:00Z',
    payload: { conversation_id: conversation, message_id: `m${id}`, author: 'customer' },
  };
}

function setup(firstTicketFails = false) {
  const queryClient = new QueryClient();
  const watch = (key: unknown[]) =>
    queryClient.fetchQuery({ queryKey: key, queryFn: () => 1, staleTime: Number.POSITIVE_INFINITY });
  const sources: FakeSource[] = [];
  const events: LiveEvent[] = [];
  const statuses: LiveStatus[] = [];
  let tickets = 0;
  const ticket = vi.fn(async () => `t${++tickets}`);
  if (firstTicketFails) ticket.mockRejectedValueOnce(new Error('offline'));
  const stop = startLive({
    queryClient,
    ticket,
    open: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    pollMs: 10_000,
    onEvent: (event) => events.push(event),
    onStatus: (status) => statuses.push(status),
  });
  return { queryClient, watch, sources, events, statuses, ticket, stop };
}

describe('live updates', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens the stream with a ticket and maps each event once onto the cache', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    expect(live.sources).toHaveLength(1);
    expect(live.sources[0].url).toBe('/api/v1/events?ticket=t1');
    const list = [{ _id: 'conversationsListConversations', baseUrl: '' }];
    const mine = [{ _id: 'conversationsGetConversation', baseUrl: '', path: { conversation_id: 'c1' } }];
    const other = [{ _id: 'conversationsGetConversation', baseUrl: '', path: { conversation_id: 'c2' } }];
    const contents = [{ _id: 'contentsListContents', baseUrl: '' }];
    for (const key of [list, mine, other, contents]) await live.watch(key);
    live.sources[0].emit('ready', {}, '10');
    expect(live.statuses).toEqual(['connecting', 'live']);

    live.sources[0].emit('message', message(11));
    live.sources[0].emit('message', message(11)); // at least once: the same id again
    expect(live.events.map((e) => e.id)).toEqual([11]);
    const state = (key: unknown[]) => live.queryClient.getQueryState(key)?.isInvalidated;
    expect(state(list)).toBe(true);
    expect(state(mine)).toBe(true);
    expect(state(other)).toBe(false);
    expect(state(contents)).toBe(false);
    live.stop();
  });

  it('marks tasks stale on task_due and publishes on publish', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    const tasks = [{ _id: 'tasksListTasks', baseUrl: '' }];
    const publishes = [{ _id: 'publishListPublishes', baseUrl: '' }];
    await live.watch(tasks);
    await live.watch(publishes);
    live.sources[0].emit('task_due', { ...message(5), kind: 'task_due', payload: { task_id: 'k1' } });
    expect(live.queryClient.getQueryState(tasks)?.isInvalidated).toBe(true);
    expect(live.queryClient.getQueryState(publishes)?.isInvalidated).toBe(false);
    live.sources[0].emit('publish', { ...message(6), kind: 'publish', payload: { publish_id: 'p1' } });
    expect(live.queryClient.getQueryState(publishes)?.isInvalidated).toBe(true);
    live.stop();
  });

  it('refetches a content’s publishes on a publish event for that content only', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    const key = (content_id: string) => [{ _id: 'publishListPublishes', baseUrl: '', query: { content_id } }];
    const all = [{ _id: 'publishListPublishes', baseUrl: '', query: { limit: 50 } }];
    for (const k of [key('c1'), key('c2'), all]) await live.watch(k);
    const publish = (id: number, content: string): LiveEvent => ({
      id,
      kind: 'publish',
      subject_id: `p${id}`,
      at: '2026-01-01T00:00:00Z',
      payload: { publish_id: `p${id}`, content_id: content, status: 'under_review' },
    });
    live.sources[0].emit('publish', publish(7, 'c1'));
    const stale = (k: unknown[]) => live.queryClient.getQueryState(k)?.isInvalidated;
    expect(stale(key('c1'))).toBe(true);
    expect(stale(key('c2'))).toBe(false);
    expect(stale(all)).toBe(true);
    live.stop();
  });

  it('polls while the stream is down, then reconnects with a new ticket after the last id and refetches', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    const list = [{ _id: 'conversationsListConversations', baseUrl: '' }];
    await live.watch(list);
    live.sources[0].emit('ready', {}, '3');
    live.sources[0].emit('message', message(4));

    // The ticket expired: the browser gave up (CLOSED) — polling starts, a new ticket is asked for.
    live.sources[0].fail(2);
    expect(live.statuses.at(-1)).toBe('polling');
    expect(live.sources[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.ticket).toHaveBeenCalledTimes(2);
    expect(live.sources).toHaveLength(2);
    expect(live.sources[1].url).toBe('/api/v1/events?ticket=t2&last_event_id=4');

    // It fails too: the next attempt waits longer, and polling refreshes the lists meanwhile.
    live.sources[1].fail(2);
    live.queryClient.setQueryData(list, 1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(live.sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(live.sources).toHaveLength(3);
    expect(live.queryClient.getQueryState(list)?.isInvalidated).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(live.queryClient.getQueryState(list)?.isInvalidated).toBe(true);

    // Back: ready refetches what polling may have missed, and polling stops.
    live.queryClient.setQueryData(list, 2);
    live.sources[2].emit('ready', {}, '9');
    expect(live.statuses.at(-1)).toBe('live');
    expect(live.queryClient.getQueryState(list)?.isInvalidated).toBe(true);
    live.queryClient.setQueryData(list, 3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(live.queryClient.getQueryState(list)?.isInvalidated).toBe(false);
    live.stop();
  });

  it('polls but keeps the source while the browser retries by itself', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    live.sources[0].emit('ready', {}, '1');
    live.sources[0].fail(0);
    expect(live.statuses.at(-1)).toBe('polling');
    expect(live.sources[0].closed).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(live.sources).toHaveLength(1);
    live.sources[0].emit('ready', {}, '2');
    expect(live.statuses.at(-1)).toBe('live');
    live.stop();
  });

  it('polls and retries when no ticket can be had', async () => {
    const live = setup(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.statuses.at(-1)).toBe('polling');
    expect(live.sources).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.sources).toHaveLength(1);
    live.stop();
  });

  it('stops for good when the session ends', async () => {
    const live = setup();
    await vi.runOnlyPendingTimersAsync();
    live.sources[0].emit('session_ended', {});
    expect(live.statuses.at(-1)).toBe('ended');
    expect(live.sources[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(live.sources).toHaveLength(1);
  });
});

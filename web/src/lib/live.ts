import type { QueryClient } from '@tanstack/react-query';

/** The kinds the BFF's event stream sends (see the OpenAPI description of `GET /api/v1/events`). */
export const LIVE_KINDS = ['message', 'conversation', 'publish', 'task_due', 'task_overdue'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

/** One event's `data`: ids and states only; the console reads the named resource for the rest. */
export interface LiveEvent {
  id: number;
  kind: LiveKind;
  subject_id: string;
  at: string;
  payload: Record<string, unknown>;
}

export type LiveStatus = 'connecting' | 'live' | 'polling' | 'ended';

/** What an EventSource offers that this module uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onerror: ((event: Event) => void) | null;
}

export interface LiveOptions {
  queryClient: QueryClient;
  /** A fresh ticket for every new EventSource (`POST /api/v1/events/ticket`). */
  ticket: () => Promise<string>;
  /** The BFF's origin ('' for the same origin). */
  baseUrl?: string;
  open?: (url: string) => EventSourceLike;
  /** How often the live queries are refetched while the stream is down. */
  pollMs?: number;
  onEvent?: (event: LiveEvent) => void;
  onStatus?: (status: LiveStatus) => void;
}

const CLOSED = 2;
const REMEMBERED_IDS = 2000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** The generated query helpers' ids whose data each kind of event makes stale: the one mapping. */
const STALE_BY_KIND: Record<LiveKind, readonly string[]> = {
  message: [
    'conversationsListConversations',
    'conversationsGetConversation',
    'suggestionsLatestSuggestions',
    'customersGetCustomer',
  ],
  conversation: ['conversationsListConversations', 'conversationsGetConversation', 'conversationsMyDesk'],
  publish: ['publishListPublishes', 'publishGetPublish', 'contentsGetContent', 'contentsListContents'],
  task_due: ['tasksListTasks', 'tasksGetTask'],
  task_overdue: ['tasksListTasks', 'tasksGetTask'],
};

const ALL_LIVE_IDS = new Set(Object.values(STALE_BY_KIND).flat());

function queryId(key: readonly unknown[]): string | undefined {
  const head = key[0];
  return head && typeof head === 'object' && '_id' in head
    ? String((head as { _id: unknown })._id)
    : undefined;
}

function queryPath(key: readonly unknown[]): Record<string, unknown> | undefined {
  const head = key[0];
  return head && typeof head === 'object' && 'path' in head
    ? ((head as { path: unknown }).path as Record<string, unknown>)
    : undefined;
}

function queryParams(key: readonly unknown[]): Record<string, unknown> | undefined {
  const head = key[0];
  return head && typeof head === 'object' && 'query' in head
    ? ((head as { query: unknown }).query as Record<string, unknown>)
    : undefined;
}

/**
 * Marks stale what an event changed. A detail is only refetched when it is the one the event names
 * (a conversation's detail by `conversation_id`, a task's by `task_id`); a list filtered by one of those
 * ids (a content's publishes by `content_id`) only when the event names that one or none; other lists
 * always are.
 */
export function applyEvent(queryClient: QueryClient, event: LiveEvent): void {
  const ids = new Set(STALE_BY_KIND[event.kind]);
  const subject: Record<string, unknown> = {
    conversation_id: event.payload.conversation_id,
    task_id: event.payload.task_id,
    content_id: event.payload.content_id,
    publish_id: event.payload.publish_id,
  };
  void queryClient.invalidateQueries({
    predicate: (query) => {
      const id = queryId(query.queryKey);
      if (!id || !ids.has(id)) return false;
      const path = queryPath(query.queryKey) ?? {};
      const filters = queryParams(query.queryKey) ?? {};
      return (
        Object.entries(path).every(([name, value]) => !(name in subject) || subject[name] === value) &&
        Object.entries(filters).every(
          ([name, value]) =>
            !(name in subject) || value == null || subject[name] == null || subject[name] === value,
        )
      );
    },
  });
}

/** Refetches everything the stream keeps fresh: after a reconnect, and on each poll while it is down. */
export function refreshLiveQueries(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({
    predicate: (query) => ALL_LIVE_IDS.has(queryId(query.queryKey) ?? ''),
  });
}

function parse(raw: string): LiveEvent | null {
  try {
    const data = JSON.parse(raw) as LiveEvent;
    return typeof data.id === 'number' && (LIVE_KINDS as readonly string[]).includes(data.kind) ? data : null;
  } catch {
    return null;
  }
}

/**
 * Follows the tenant's live events: each event once (by id) onto the query cache; when the stream drops,
 * polling keeps pages fresh while a new EventSource (a new ticket, resuming after the last id seen) is
 * tried with a growing delay; once it is ready again, every live query is refetched for what polling
 * may have missed. `session_ended` stops it all (the next call's 401 leads to login). Returns stop().
 */
export function startLive(options: LiveOptions): () => void {
  const { queryClient, baseUrl = '', pollMs = 15_000 } = options;
  const open = options.open ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
  const seen = new Set<number>();
  let lastId: number | undefined;
  let source: EventSourceLike | null = null;
  let stopped = false;
  let everReady = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let status: LiveStatus | undefined;

  const setStatus = (next: LiveStatus) => {
    if (next !== status) {
      status = next;
      options.onStatus?.(next);
    }
  };
  const startPolling = () => {
    setStatus('polling');
    pollTimer ??= setInterval(() => refreshLiveQueries(queryClient), pollMs);
  };
  const stopPolling = () => {
    if (pollTimer !== undefined) clearInterval(pollTimer);
    pollTimer = undefined;
  };
  const receive = (event: MessageEvent<string>) => {
    const data = parse(event.data);
    if (!data || seen.has(data.id)) return;
    seen.add(data.id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as number);
    lastId = Math.max(lastId ?? 0, data.id);
    applyEvent(queryClient, data);
    options.onEvent?.(data);
  };
  const scheduleReconnect = () => {
    if (stopped || retryTimer !== undefined) return;
    startPolling();
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
  const connect = async () => {
    if (stopped) return;
    if (!everReady) setStatus('connecting');
    let ticket: string;
    try {
      ticket = await options.ticket();
    } catch {
      scheduleReconnect();
      return;
    }
    if (stopped) return;
    const query = new URLSearchParams({ ticket });
    if (lastId !== undefined) query.set('last_event_id', String(lastId));
    let current: EventSourceLike;
    try {
      current = open(`${baseUrl}/api/v1/events?${query}`);
    } catch {
      scheduleReconnect(); // no EventSource here: polling it is
      return;
    }
    source = current;
    for (const kind of LIVE_KINDS) current.addEventListener(kind, receive);
    current.addEventListener('ready', (event) => {
      const id = Number(event.lastEventId);
      if (Number.isFinite(id) && id > 0) lastId = Math.max(lastId ?? 0, id);
      retryMs = RETRY_MIN_MS;
      // What changed while the stream was down is read again (the first connection has nothing to catch up).
      const wasDown = everReady || pollTimer !== undefined;
      stopPolling();
      if (wasDown) refreshLiveQueries(queryClient);
      everReady = true;
      setStatus('live');
    });
    current.addEventListener('session_ended', () => {
      stop();
      setStatus('ended');
      void queryClient.invalidateQueries({ predicate: (q) => queryId(q.queryKey) === 'authMe' });
    });
    current.onerror = () => {
      if (source !== current) return;
      // The browser retries by itself (sending Last-Event-ID) unless it gave up, e.g. on an expired ticket's 401.
      if (current.readyState === CLOSED) {
        current.close();
        source = null;
        scheduleReconnect();
      } else {
        startPolling();
      }
    };
  };

  function stop() {
    stopped = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    stopPolling();
    source?.close();
    source = null;
  }

  void connect();
  return stop;
}

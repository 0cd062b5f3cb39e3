import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { client } from '../client/client.gen';
import { authRefresh, eventsTicket } from '../client/sdk.gen';
import { type LiveEvent, type LiveStatus, startLive } from './live';
import { startSlidingSession } from './session';

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
let status: LiveStatus = 'connecting';
const statusListeners = new Set<() => void>();

/** Lets a feature react to live events (a badge, a desktop notice) beyond the cache the stream refreshes. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The stream's state: live, polling while it is down, or ended with the session. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (notify) => {
      statusListeners.add(notify);
      return () => statusListeners.delete(notify);
    },
    () => status,
  );
}

/** Mounted once by the signed-in layout: the live event stream and the sliding session, for as long as it lives. */
export function useLiveUpdates(enabled: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const stopLive = startLive({
      queryClient,
      baseUrl: client.getConfig().baseUrl ?? '',
      ticket: async () => (await eventsTicket({ throwOnError: true })).data.ticket,
      onEvent: (event) => {
        for (const listener of listeners) listener(event);
      },
      onStatus: (next) => {
        status = next;
        for (const notify of statusListeners) notify();
      },
    });
    const stopSession = startSlidingSession({
      refresh: async () => (await authRefresh({ throwOnError: true })).data,
    });
    return () => {
      stopLive();
      stopSession();
    };
  }, [enabled, queryClient]);
}

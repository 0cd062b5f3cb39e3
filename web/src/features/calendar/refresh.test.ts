import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import {
  calendarGetEntryQueryKey,
  calendarViewCalendarQueryKey,
  contentsListContentsQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { refreshCalendar, refreshCalendarAndEntries } from './refresh';

function seeded() {
  const client = new QueryClient();
  const month = calendarViewCalendarQueryKey({ query: { from: 'a', to: 'b' } });
  const week = calendarViewCalendarQueryKey({ query: { from: 'c', to: 'd', account_id: 'x' } });
  const entry = calendarGetEntryQueryKey({ path: { entry_id: 'e1' } });
  const other = contentsListContentsQueryKey();
  for (const key of [month, week, entry, other]) client.setQueryData(key, {});
  const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
  return { client, month, week, entry, other, stale };
}

describe('refreshCalendar', () => {
  it('marks every calendar range stale, whatever its query, and nothing else', async () => {
    const { client, month, week, entry, other, stale } = seeded();
    await refreshCalendar(client);
    expect(stale(month)).toBe(true);
    expect(stale(week)).toBe(true);
    expect(stale(entry)).toBe(false);
    expect(stale(other)).toBe(false);
  });

  it('with the entries too, when asked', async () => {
    const { client, month, entry, other, stale } = seeded();
    await refreshCalendarAndEntries(client);
    expect(stale(month)).toBe(true);
    expect(stale(entry)).toBe(true);
    expect(stale(other)).toBe(false);
  });
});

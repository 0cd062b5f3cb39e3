import type { QueryClient } from '@tanstack/react-query';

// Generated query keys are `[{ _id, baseUrl, path?, query? }]`: a key of the `_id` alone matches them all.
const VIEW = [{ _id: 'calendarViewCalendar' }];
const ENTRY = [{ _id: 'calendarGetEntry' }];

/** Reads every shown range of the calendar again (all months, weeks and accounts), after any change. */
export function refreshCalendar(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: VIEW });
}

/** The calendar and every open entry, after a change made from the grid. */
export function refreshCalendarAndEntries(queryClient: QueryClient): Promise<void> {
  return Promise.all([refreshCalendar(queryClient), queryClient.invalidateQueries({ queryKey: ENTRY })]).then(
    () => undefined,
  );
}

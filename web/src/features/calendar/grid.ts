import dayjs, { type Dayjs } from 'dayjs';
import type { EntryView, Occurrence, Recurrence, WeeklySlot } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.calendar;

export type ViewMode = 'month' | 'week';
export const DAY_KEY = 'YYYY-MM-DD';

/** Monday of the week holding `day` (the calendar's weeks start on Monday, as in China). */
export function weekStart(day: Dayjs): Dayjs {
  const start = day.startOf('day');
  return start.subtract((start.day() + 6) % 7, 'day');
}

/**
 * The days a view shows, in the browser's time: a month is the whole weeks that hold it (so its grid is
 * rectangular), a week is Monday to Sunday. `to` is exclusive, as the calendar API reads it.
 */
export function visibleRange(mode: ViewMode, anchor: Dayjs): { from: Dayjs; to: Dayjs; days: Dayjs[] } {
  const from = mode === 'week' ? weekStart(anchor) : weekStart(anchor.startOf('month'));
  const last = mode === 'week' ? from.add(6, 'day') : anchor.endOf('month').startOf('day');
  const count = mode === 'week' ? 7 : Math.ceil((last.diff(from, 'day') + 1) / 7) * 7;
  const days = Array.from({ length: count }, (_, i) => from.add(i, 'day'));
  return { from, to: from.add(count, 'day'), days };
}

/** Occurrences by local day (`YYYY-MM-DD`), each day's in time order. */
export function byDay(occurrences: readonly Occurrence[]): Map<string, Occurrence[]> {
  const days = new Map<string, Occurrence[]>();
  const sorted = [...occurrences].sort((a, b) => a.scheduled_for.localeCompare(b.scheduled_for));
  for (const occurrence of sorted) {
    const key = dayjs(occurrence.scheduled_for).format(DAY_KEY);
    days.set(key, [...(days.get(key) ?? []), occurrence]);
  }
  return days;
}

/** A slot that has not fired yet, of a one-off entry still planned, can be dragged to another time. */
export function canMove(occurrence: Occurrence, entry: EntryView | undefined): boolean {
  return (
    entry !== undefined &&
    entry.kind === 'one_off' &&
    (entry.status === 'scheduled' || entry.status === 'paused') &&
    (occurrence.state === 'planned' || occurrence.state === 'paused' || occurrence.state === 'due')
  );
}

/**
 * Where a dropped slot goes: the target day at the slot's own time of day, or at the target hour (keeping
 * its minutes) when dropped on an hour of the week view. An aware ISO time, so the BFF reads no zone into it.
 */
export function movedRunAt(scheduledFor: string, day: Dayjs, hour?: number): string {
  const current = dayjs(scheduledFor);
  const moved = day
    .startOf('day')
    .hour(hour ?? current.hour())
    .minute(current.minute())
    .second(current.second());
  return moved.format();
}

const STATE_COLORS: Record<string, string> = {
  planned: 'blue',
  paused: 'default',
  due: 'gold',
  missed: 'orange',
  running: 'processing',
  published: 'success',
  under_review: 'cyan',
  rejected: 'error',
  failed: 'error',
  unconfirmed: 'warning',
  skipped: 'volcano',
};

export function stateLabel(state: string): string {
  return (t.states as Record<string, string>)[state] ?? state;
}

export function stateColor(state: string): string {
  return STATE_COLORS[state] ?? 'default';
}

export function entryStatusLabel(status: string): string {
  return (t.entryStatuses as Record<string, string>)[status] ?? status;
}

export function triggerLabel(trigger: string): string {
  return (t.triggers as Record<string, string>)[trigger] ?? trigger;
}

/** A run is still going: the entry's detail is polled until it settles. */
export function isRunning(status: string): boolean {
  return status === 'running';
}

export type Weekday = WeeklySlot['weekday'];
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface RecurrenceForm {
  mode: 'weekly' | 'cron';
  weekdays?: Weekday[];
  time?: Dayjs;
  cron?: string;
  endAt?: Dayjs;
  maxRuns?: number;
}

/** The API's recurrence from the form: weekly slots (every chosen day at one time) or a cron expression. */
export function toRecurrence(form: RecurrenceForm): Recurrence {
  const end = {
    ...(form.endAt ? { end_at: form.endAt.format() } : {}),
    ...(form.maxRuns ? { max_runs: form.maxRuns } : {}),
  };
  if (form.mode === 'cron') {
    return { cron: (form.cron ?? '').trim(), ...end } as Recurrence;
  }
  const time = (form.time ?? dayjs().hour(9).minute(0)).format('HH:mm');
  const weekly = WEEKDAYS.filter((day) => form.weekdays?.includes(day)).map((weekday) => ({ weekday, time }));
  return { weekly, ...end } as Recurrence;
}

/** How an entry repeats, in words. */
export function describeRecurrence(entry: Pick<EntryView, 'cron' | 'weekly'>): string {
  if (entry.cron) return entry.cron;
  return (entry.weekly ?? [])
    .map((slot) => `${t.weekdays[WEEKDAYS.indexOf(slot.weekday)] ?? slot.weekday} ${slot.time.slice(0, 5)}`)
    .join('，');
}

import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { EntryView, Occurrence } from '../../client/types.gen';
import { byDay, canMove, describeRecurrence, movedRunAt, toRecurrence, visibleRange } from './grid';

const occurrence = (scheduled_for: string, state: Occurrence['state'] = 'planned'): Occurrence => ({
  entry_id: 'e1',
  content_id: 'c1',
  account_id: 'a1',
  kind: 'one_off',
  scheduled_for,
  local_time: scheduled_for,
  state,
});

const entry = (over: Partial<EntryView> = {}): EntryView =>
  ({ id: 'e1', kind: 'one_off', status: 'scheduled', cron: null, weekly: null, ...over }) as EntryView;

describe('visibleRange', () => {
  it('shows a month as the whole weeks holding it, Monday first, `to` exclusive', () => {
    // December 2026 starts on a Tuesday and ends on a Thursday.
    const range = visibleRange('month', dayjs('2026-12-15T10:00:00'));
    expect(range.from.format('YYYY-MM-DD ddd')).toBe('2026-11-30 Mon');
    expect(range.days).toHaveLength(35);
    expect(range.days.at(-1)?.format('YYYY-MM-DD')).toBe('2027-01-03');
    expect(range.to.format('YYYY-MM-DD HH:mm')).toBe('2027-01-04 00:00');
  });

  it('shows a week from Monday to Sunday, also when the anchor is a Sunday', () => {
    const range = visibleRange('week', dayjs('2026-12-06T23:00:00'));
    expect(range.days.map((d) => d.format('MM-DD'))).toEqual([
      '11-30',
      '12-01',
      '12-02',
      '12-03',
      '12-04',
      '12-05',
      '12-06',
    ]);
  });
});

describe('byDay', () => {
  it('groups occurrences by local day, in time order', () => {
    const late = dayjs('2026-12-02T18:00:00').toISOString();
    const early = dayjs('2026-12-02T08:00:00').toISOString();
    const next = dayjs('2026-12-03T08:00:00').toISOString();
    const days = byDay([occurrence(late), occurrence(next), occurrence(early)]);
    expect(days.get('2026-12-02')?.map((o) => o.scheduled_for)).toEqual([early, late]);
    expect(days.get('2026-12-03')).toHaveLength(1);
  });
});

describe('moving a slot', () => {
  it('keeps the time of day on another day, or takes the hour it was dropped on', () => {
    const at = dayjs('2026-12-02T09:30:00').toISOString();
    const target = dayjs('2026-12-05T00:00:00');
    expect(dayjs(movedRunAt(at, target)).format('YYYY-MM-DD HH:mm')).toBe('2026-12-05 09:30');
    expect(dayjs(movedRunAt(at, target, 14)).format('YYYY-MM-DD HH:mm')).toBe('2026-12-05 14:30');
    expect(movedRunAt(at, target)).toMatch(/[+-]\d\d:\d\d$|Z$/);
  });

  it('moves only planned slots of one-off entries that are still planned', () => {
    const at = '2026-12-02T09:30:00Z';
    expect(canMove(occurrence(at), entry())).toBe(true);
    expect(canMove(occurrence(at, 'paused'), entry({ status: 'paused' }))).toBe(true);
    expect(canMove(occurrence(at, 'published'), entry())).toBe(false);
    expect(canMove(occurrence(at), entry({ kind: 'recurring' }))).toBe(false);
    expect(canMove(occurrence(at), entry({ status: 'completed' }))).toBe(false);
    expect(canMove(occurrence(at), undefined)).toBe(false);
  });
});

describe('recurrence', () => {
  it('makes weekly slots in weekday order at one time, with the ends given', () => {
    const recurrence = toRecurrence({
      mode: 'weekly',
      weekdays: ['fri', 'mon'],
      time: dayjs('2026-12-02T09:05:00'),
      maxRuns: 10,
    });
    expect(recurrence).toEqual({
      weekly: [
        { weekday: 'mon', time: '09:05' },
        { weekday: 'fri', time: '09:05' },
      ],
      max_runs: 10,
    });
    expect(describeRecurrence({ cron: null, weekly: recurrence.weekly ?? null })).toBe(
      '周一 09:05，周五 09:05',
    );
  });

  it('passes a cron expression through, trimmed, with an end time', () => {
    const end = dayjs('2027-01-01T00:00:00');
    expect(toRecurrence({ mode: 'cron', cron: ' 30 9 * * 1-5 ', endAt: end })).toEqual({
      cron: '30 9 * * 1-5',
      end_at: end.format(),
    });
  });
});

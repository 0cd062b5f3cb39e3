import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { EntryView } from '../../client/types.gen';
import { ApiError } from '../../lib/api';
import { hasMixedTimes, refusal, toEntryCreate, toEntryPatch, toFormValues } from './EntryForm';

describe('toEntryCreate', () => {
  it('plans a one-off at an aware time', () => {
    const at = dayjs('2030-03-13T09:30:00');
    const body = toEntryCreate({
      contentId: 'c',
      accountId: 'a',
      kind: 'one_off',
      runAt: at,
      mode: 'weekly',
    });
    expect(body).toEqual({ content_id: 'c', account_id: 'a', run_at: at.format() });
    expect(dayjs(body.run_at ?? '').valueOf()).toBe(at.valueOf());
  });

  it('sends the zone the times are read in', () => {
    const at = dayjs('2030-03-13T09:30:00');
    const base = { contentId: 'c', accountId: 'a', runAt: at, timezone: 'Asia/Tokyo' } as const;
    expect(toEntryCreate({ ...base, kind: 'one_off', mode: 'weekly' })).toMatchObject({
      timezone: 'Asia/Tokyo',
    });
    expect(
      toEntryCreate({ ...base, kind: 'recurring', mode: 'cron', cron: '0 8 * * *', maxRuns: 3 }),
    ).toMatchObject({ timezone: 'Asia/Tokyo', recurrence: { cron: '0 8 * * *' } });
  });

  it('plans a recurrence, without a run_at', () => {
    const body = toEntryCreate({
      contentId: 'c',
      accountId: 'a',
      kind: 'recurring',
      runAt: dayjs(),
      mode: 'cron',
      cron: '0 8 * * *',
      maxRuns: 3,
    });
    expect(body).toEqual({
      content_id: 'c',
      account_id: 'a',
      recurrence: { cron: '0 8 * * *', max_runs: 3 },
    });
  });
});

const RECURRING: EntryView = {
  id: 'e1',
  content_id: 'c',
  account_id: 'a',
  kind: 'recurring',
  timezone: 'Asia/Shanghai',
  run_at: null,
  run_at_local: null,
  cron: null,
  weekly: [
    { weekday: 'wed', time: '10:15' },
    { weekday: 'mon', time: '10:15' },
  ],
  end_at: '2030-06-30T16:00:00Z',
  max_runs: 12,
  status: 'scheduled',
  last_error: null,
  schedule_id: 'calendar-e1',
  created_by: 'u',
  created_at: '2030-03-01T00:00:00Z',
  updated_at: '2030-03-01T00:00:00Z',
};

describe('toFormValues', () => {
  it('opens a weekly entry as its days at its time, with its end and zone', () => {
    const values = toFormValues(RECURRING);
    expect(values).toMatchObject({
      contentId: 'c',
      accountId: 'a',
      kind: 'recurring',
      mode: 'weekly',
      weekdays: ['mon', 'wed'],
      maxRuns: 12,
      timezone: 'Asia/Shanghai',
    });
    expect(values.time?.format('HH:mm')).toBe('10:15');
    expect(values.endAt?.valueOf()).toBe(dayjs('2030-06-30T16:00:00Z').valueOf());
  });

  it('opens a cron entry in cron mode and a one-off at its time', () => {
    expect(toFormValues({ ...RECURRING, cron: '0 8 * * *', weekly: null })).toMatchObject({
      mode: 'cron',
      cron: '0 8 * * *',
    });
    const oneOff = toFormValues({
      ...RECURRING,
      kind: 'one_off',
      run_at: '2030-03-13T01:30:00Z',
      weekly: null,
    });
    expect(oneOff.kind).toBe('one_off');
    expect(oneOff.runAt?.valueOf()).toBe(dayjs('2030-03-13T01:30:00Z').valueOf());
  });
});

describe('toEntryPatch', () => {
  it('sends nothing when nothing changed', () => {
    const before = toFormValues(RECURRING);
    expect(toEntryPatch(before, { ...before })).toEqual({});
    // Slots at different times are shown at the first one's, but an untouched plan is not rewritten.
    const uneven = toFormValues({
      ...RECURRING,
      weekly: [
        { weekday: 'mon', time: '09:00' },
        { weekday: 'fri', time: '18:00' },
      ],
    });
    expect(toEntryPatch(uneven, { ...uneven })).toEqual({});
  });

  it('sends a one-off only its new time', () => {
    const before = toFormValues({
      ...RECURRING,
      kind: 'one_off',
      run_at: '2030-03-13T01:30:00Z',
      weekly: null,
    });
    const later = dayjs('2030-03-14T10:00:00');
    expect(toEntryPatch(before, { ...before, runAt: later })).toEqual({ run_at: later.format() });
  });

  it('sends the whole recurrence when a part of it changed, keeping its end', () => {
    const before = toFormValues({ ...RECURRING, cron: '0 8 * * *', weekly: null });
    expect(toEntryPatch(before, { ...before, cron: ' 30 9 * * 1-5 ' })).toEqual({
      recurrence: { cron: '30 9 * * 1-5', end_at: dayjs('2030-06-30T16:00:00Z').format(), max_runs: 12 },
    });
    const weekly = toFormValues(RECURRING);
    expect(toEntryPatch(weekly, { ...weekly, weekdays: ['fri'] }).recurrence).toEqual({
      weekly: [{ weekday: 'fri', time: '10:15' }],
      end_at: dayjs('2030-06-30T16:00:00Z').format(),
      max_runs: 12,
    });
  });

  it('keeps slots at different times as they are when only the end changes', () => {
    const uneven = {
      ...RECURRING,
      weekly: [
        { weekday: 'mon', time: '09:00' },
        { weekday: 'thu', time: '18:00' },
      ],
    } satisfies EntryView;
    expect(hasMixedTimes(uneven.weekly)).toBe(true);
    expect(hasMixedTimes(RECURRING.weekly)).toBe(false);
    const before = toFormValues(uneven);
    expect(toEntryPatch(before, { ...before, maxRuns: 20 })).toEqual({
      recurrence: {
        weekly: [
          { weekday: 'mon', time: '09:00' },
          { weekday: 'thu', time: '18:00' },
        ],
        end_at: dayjs('2030-06-30T16:00:00Z').format(),
        max_runs: 20,
      },
    });
    // Changing the time (or the days) puts every chosen day at the one time shown.
    expect(toEntryPatch(before, { ...before, time: before.time?.hour(20) }).recurrence).toMatchObject({
      weekly: [
        { weekday: 'mon', time: '20:00' },
        { weekday: 'thu', time: '20:00' },
      ],
    });
  });

  it('sends a new zone, content or account alone', () => {
    const before = toFormValues(RECURRING);
    expect(
      toEntryPatch(before, { ...before, timezone: 'Asia/Tokyo', accountId: 'b', contentId: 'd' }),
    ).toEqual({
      timezone: 'Asia/Tokyo',
      account_id: 'b',
      content_id: 'd',
    });
  });
});

describe('refusal', () => {
  it("says a 409's detail and a 422's fields", () => {
    expect(refusal(new ApiError(409, 'calendar entry e1 was deleted; create a new one', {}))).toBe(
      'calendar entry e1 was deleted; create a new one',
    );
    const invalid = new ApiError(422, 'invalid request', {
      detail: 'invalid request',
      errors: [{ field: 'body.recurrence.cron', message: 'cron needs 5 fields' }],
    });
    expect(refusal(invalid)).toBe('recurrence.cron: cron needs 5 fields');
  });
});

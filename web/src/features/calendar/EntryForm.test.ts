import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { toEntryCreate } from './EntryForm';

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

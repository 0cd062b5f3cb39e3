import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { EntryDetail, EntryView, Occurrence } from '../../client/types.gen';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { CalendarPage } from './calendar';

const ADMIN = { user_id: 'u', tenant_id: 't', username: 'olivia', role: 'admin' };
// A fixed month in the address, so the grid does not depend on today.
const DAY = '2030-03-13';
const AT = dayjs('2030-03-13T09:30:00');

const ENTRY: EntryView = {
  id: 'e1',
  content_id: 'c1',
  account_id: 'a1',
  kind: 'one_off',
  timezone: 'Asia/Shanghai',
  run_at: AT.toISOString(),
  run_at_local: '2030-03-13T09:30:00',
  cron: null,
  weekly: null,
  end_at: null,
  max_runs: null,
  status: 'scheduled',
  last_error: null,
  schedule_id: 'calendar-e1',
  created_by: 'u',
  created_at: '2030-03-01T00:00:00Z',
  updated_at: '2030-03-01T00:00:00Z',
};

const slot = (over: Partial<Occurrence> = {}): Occurrence => ({
  entry_id: 'e1',
  content_id: 'c1',
  account_id: 'a1',
  kind: 'one_off',
  scheduled_for: AT.toISOString(),
  local_time: '2030-03-13T09:30:00',
  state: 'planned',
  ...over,
});

const DETAIL: EntryDetail = {
  ...ENTRY,
  schedule: { schedule_id: 'calendar-e1', exists: true, paused: false, next_times: [AT.toISOString()] },
  warnings: [],
  runs: [
    {
      id: 'r1',
      workflow_id: 'w1',
      trigger: 'manual',
      scheduled_for: AT.toISOString(),
      started_at: AT.toISOString(),
      finished_at: null,
      lateness_ms: 0,
      status: 'skipped',
      reason: 'content c1 is not approved yet',
      publish_id: null,
      publish_workflow_id: null,
      item_id: null,
      share_url: null,
    },
  ],
};

function bffWith(occurrences: Occurrence[], extra: Parameters<typeof fakeBff>[0] = {}) {
  return fakeBff({
    'GET /api/v1/auth/me': () => json(ADMIN),
    'GET /api/v1/calendar': () => json({ from: 'x', to: 'y', occurrences, entries: [ENTRY] }),
    'GET /api/v1/douyin/accounts': () =>
      json([{ id: 'a1', nickname: '小鹿咖啡馆官方号', open_id: 'o1', health: 'ok' }]),
    'GET /api/v1/contents': () =>
      json({
        items: [{ id: 'c1', title: '周末亲子烘焙', topic: 't', kind: 'image_post', status: 'draft' }],
        total: 1,
        limit: 200,
        offset: 0,
      }),
    ...extra,
  });
}

const route = [{ path: '/calendar', element: <CalendarPage /> }];

describe('CalendarPage', () => {
  it('asks for the whole weeks of the month and puts each slot on its day, titled', async () => {
    setToken('tok');
    const bff = bffWith([slot()]);
    renderAt(`/calendar?day=${DAY}`, route);
    const chip = await screen.findByTestId('occurrence');
    expect(chip).toHaveTextContent('09:30 周末亲子烘焙');
    expect(chip.closest('[data-day]')).toHaveAttribute('data-day', DAY);
    const asked = new URL(
      bff.requests.find((r) => new URL(r.url).pathname === '/api/v1/calendar')?.url ?? '',
    );
    expect(dayjs(asked.searchParams.get('from')).format('YYYY-MM-DD')).toBe('2030-02-25');
    expect(dayjs(asked.searchParams.get('to')).format('YYYY-MM-DD')).toBe('2030-04-01');
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('2030 年 3 月');
  });

  it('says when nothing is planned', async () => {
    setToken('tok');
    bffWith([]);
    renderAt(`/calendar?day=${DAY}`, route);
    expect(await screen.findByTestId('calendar-empty')).toHaveTextContent('这段时间还没有排期。');
  });

  it('moves a dragged slot to the day it is dropped on, at its own time', async () => {
    setToken('tok');
    const bff = bffWith([slot()], {
      'PATCH /api/v1/calendar/entries/e1': () => json(DETAIL),
    });
    renderAt(`/calendar?day=${DAY}`, route);
    const chip = await screen.findByTestId('occurrence');
    const reads = () => bff.requests.filter((r) => new URL(r.url).pathname === '/api/v1/calendar').length;
    const before = reads();
    const target = document.querySelector('[data-day="2030-03-15"]') as HTMLElement;
    fireEvent.dragStart(chip, { dataTransfer: { setData: () => {}, effectAllowed: '' } });
    fireEvent.dragOver(target, { dataTransfer: { dropEffect: '' } });
    fireEvent.drop(target, { dataTransfer: {} });
    expect(await screen.findByText('已改期到 03-15 09:30')).toBeInTheDocument();
    const patch = bff.requests.find((r) => r.method === 'PATCH');
    const body = (await patch?.json()) as { run_at: string };
    expect(dayjs(body.run_at).format('YYYY-MM-DD HH:mm')).toBe('2030-03-15 09:30');
    // The month is read again at once, not at the next poll, so the slot does not snap back.
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
  });

  it('shows a week by hour, and a slot dropped on another hour moves there, keeping its minutes', async () => {
    setToken('tok');
    const bff = bffWith([slot()], {
      'PATCH /api/v1/calendar/entries/e1': () => json(DETAIL),
    });
    renderAt(`/calendar?view=week&day=${DAY}`, route);
    const chip = await screen.findByTestId('occurrence');
    const cell = chip.closest('[data-day]') as HTMLElement;
    expect(cell).toHaveAttribute('data-hour', '9');
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('2030-03-11 ~ 03-17');
    const target = document.querySelector('[data-day="2030-03-14"][data-hour="15"]') as HTMLElement;
    fireEvent.dragStart(chip, { dataTransfer: { setData: () => {}, effectAllowed: '' } });
    fireEvent.dragOver(target, { dataTransfer: { dropEffect: '' } });
    fireEvent.drop(target, { dataTransfer: {} });
    expect(await screen.findByText('已改期到 03-14 15:30')).toBeInTheDocument();
    const body = (await bff.requests.find((r) => r.method === 'PATCH')?.json()) as { run_at: string };
    expect(dayjs(body.run_at).format('YYYY-MM-DD HH:mm')).toBe('2030-03-14 15:30');
  });

  it('asks before a new entry with edits is closed', async () => {
    setToken('tok');
    bffWith([]);
    renderAt(`/calendar?day=${DAY}`, route);
    // fireEvent rather than userEvent: the same clicks, without computing styles over the whole grid.
    fireEvent.click(await screen.findByTestId('new-entry'));
    fireEvent.click(await screen.findByText('周期'));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(await screen.findAllByText('放弃未保存的排期？')).not.toHaveLength(0);
  });

  it("shows a new entry's zone, the tenant's, in which its times are read", async () => {
    setToken('tok');
    bffWith([], {
      'GET /api/v1/tenant': () =>
        json({ id: 't', name: '小鹿', slug: 'xl', timezone: 'Asia/Tokyo', require_approval: false }),
    });
    renderAt(`/calendar?day=${DAY}`, route);
    fireEvent.click(await screen.findByTestId('new-entry'));
    const form = await screen.findByTestId('entry-form');
    expect(await within(form).findByTitle('Asia/Tokyo')).toBeInTheDocument();
    expect(within(form).getByText('每周时间和 Cron 按这个时区执行')).toBeInTheDocument();
  });

  it('opens an entry with its runs, the reason a run skipped, and runs it now', async () => {
    setToken('tok');
    let triggered = false;
    const bff = bffWith([slot({ state: 'skipped', reason: 'content c1 is not approved yet' })], {
      'GET /api/v1/calendar/entries/e1': () => json(triggered ? DETAIL : { ...DETAIL, runs: [] }),
      'POST /api/v1/calendar/entries/e1/trigger': () => {
        triggered = true;
        return json({ entry_id: 'e1', workflow_id: 'w1', run_id: 'r' }, 202);
      },
    });
    const { router } = renderAt(`/calendar?day=${DAY}`, route);
    await userEvent.click(await screen.findByTestId('occurrence'));
    expect(router.state.location.search).toContain('entry=e1');
    const detail = await screen.findByTestId('entry-detail');
    expect(within(detail).getByText('还没有执行过。')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('entry-run-now'));
    await userEvent.click(await screen.findByTestId('run-now-confirm'));
    const status = await screen.findByTestId('run-status');
    expect(status).toHaveTextContent('已跳过');
    expect(screen.getByTestId('run-reason')).toHaveTextContent('content c1 is not approved yet');
    const trigger = bff.requests.find((r) => r.method === 'POST');
    expect(trigger?.headers.get('idempotency-key')).toBeTruthy();
  });

  it('edits a recurring entry from its drawer: sends only the new recurrence, shows a refusal, refreshes', async () => {
    setToken('tok');
    const recurring: EntryDetail = {
      ...DETAIL,
      kind: 'recurring',
      run_at: null,
      run_at_local: null,
      cron: '30 9 * * *',
      max_runs: 5,
      runs: [],
    };
    let saved = false;
    const bff = bffWith([slot({ kind: 'recurring' })], {
      'GET /api/v1/calendar/entries/e1': () => json(saved ? { ...recurring, cron: '0 18 * * *' } : recurring),
      'PATCH /api/v1/calendar/entries/e1': async (request) => {
        const body = (await request.json()) as { recurrence: { cron: string } };
        if (body.recurrence.cron === '0 18 * *') {
          return json(
            {
              detail: 'invalid request',
              code: 'invalid_request',
              errors: [{ field: 'body.recurrence.cron', message: 'cron needs 5 fields' }],
            },
            422,
          );
        }
        saved = true;
        return json({ ...recurring, cron: body.recurrence.cron });
      },
    });
    renderAt(`/calendar?day=${DAY}&entry=e1`, route);
    fireEvent.click(await screen.findByTestId('entry-edit'));
    const form = await screen.findByTestId('entry-form');
    const cron = within(form).getByTestId('entry-cron');
    expect(cron).toHaveValue('30 9 * * *');
    expect(within(form).getByRole('radio', { name: '周期' })).toBeDisabled();

    fireEvent.change(cron, { target: { value: '0 18 * *' } });
    fireEvent.click(screen.getByTestId('entry-submit'));
    expect(await screen.findByTestId('entry-error')).toHaveTextContent(
      'recurrence.cron: cron needs 5 fields',
    );

    fireEvent.change(cron, { target: { value: '0 18 * * *' } });
    fireEvent.click(screen.getByTestId('entry-submit'));
    expect(await screen.findByText('排期已更新')).toBeInTheDocument();
    const patches = bff.requests.filter((r) => r.method === 'PATCH');
    expect(await patches.at(-1)?.json()).toEqual({ recurrence: { cron: '0 18 * * *', max_runs: 5 } });
    expect(
      await within(await screen.findByTestId('entry-detail')).findByText(/0 18 \* \* \*/),
    ).toBeInTheDocument();
  }, 60_000);
});

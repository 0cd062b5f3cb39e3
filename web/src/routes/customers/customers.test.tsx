import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { LeadsPage } from './leads';
import { CustomersPage } from './list';
import { TasksPage } from './tasks';

const AGENT = { user_id: 'agent-1', tenant_id: 't', username: 'agnes', role: 'agent' };
const VIEWER = { user_id: 'v', tenant_id: 't', username: 'vic', role: 'viewer' };

const TASK = {
  id: 'k1',
  account_id: null,
  closed_at: null,
  closed_reason: null,
  created_at: '2026-12-01T08:00:00Z',
  customer_id: 'cu1',
  due_at: '2026-12-01T09:00:00Z',
  outcome: null,
  outcome_note: null,
  overdue: true,
  owner_user_id: 'agent-1',
  reason: '回访：客户问过到店时间',
  script: '小李您好，……',
  source: 'handoff',
  source_ref: 'x',
  status: 'open',
  waiting_for: ['reply'],
};

describe('TasksPage', () => {
  it('lists my open tasks with the overdue ones marked, and completes one with its outcome', async () => {
    setToken('tok');
    let done = false;
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(AGENT),
      'GET /api/v1/tasks': () => json({ items: done ? [] : [TASK], limit: 200, offset: 0 }),
      'POST /api/v1/tasks/k1/complete': () => {
        done = true;
        return json({ ...TASK, status: 'done', outcome: 'no_answer' });
      },
    });
    renderAt('/tasks', [{ path: '/tasks', element: <TasksPage /> }]);
    const row = (await screen.findByText('回访：客户问过到店时间')).closest('tr') as HTMLElement;
    expect(within(row).getByText('已逾期')).toBeInTheDocument();
    const asked = new URL(bff.requests.find((r) => r.url.includes('/api/v1/tasks'))?.url ?? '');
    expect(asked.searchParams.getAll('status')).toEqual(['open', 'snoozed']);
    expect(asked.searchParams.get('scope')).toBe('mine');

    await userEvent.click(within(row).getByText('完成'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByTestId('task-outcome').querySelector('input') as HTMLElement);
    await userEvent.click(await screen.findByTitle('未联系上'));
    await userEvent.click(within(dialog).getByRole('button', { name: /确\s*定|OK/ }));
    expect(await screen.findByText('暂无任务')).toBeInTheDocument();
    const sent = bff.requests.find((r) => r.method === 'POST');
    expect(await sent?.json()).toEqual({ outcome: 'no_answer', note: '', amount_fen: null });
  }, 60_000);

  it('lets an agent hand a task to a colleague picked from the directory', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(AGENT),
      'GET /api/v1/tasks': () => json({ items: [TASK], limit: 200, offset: 0 }),
      'GET /api/v1/users/directory': () =>
        json([
          { id: 'agent-1', display_name: 'agnes', role: 'agent', active: true },
          { id: 'agent-2', display_name: '小周', role: 'agent', active: true },
          { id: 'viewer-1', display_name: '只读小王', role: 'viewer', active: true },
        ]),
      'POST /api/v1/tasks/k1/reassign': () => json({ ...TASK, owner_user_id: 'agent-2' }),
    });
    renderAt('/tasks', [{ path: '/tasks', element: <TasksPage /> }]);
    const row = (await screen.findByText('回访：客户问过到店时间')).closest('tr') as HTMLElement;
    await userEvent.click(within(row).getByTestId('task-reassign'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByTestId('task-owner').querySelector('input') as HTMLElement);
    await userEvent.click(await screen.findByTitle('小周'));
    // Only other agents are offered: not the owner, not a viewer.
    expect(screen.queryByTitle('只读小王')).toBeNull();
    expect(screen.queryByTitle('agnes')).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: /确\s*定|OK/ }));
    await waitFor(() => expect(bff.requests.some((r) => r.url.endsWith('/reassign'))).toBe(true));
    const sent = bff.requests.find((r) => r.url.endsWith('/reassign'));
    expect(await sent?.json()).toEqual({ owner_user_id: 'agent-2' });
    expect(bff.requests.some((r) => new URL(r.url).pathname === '/api/v1/users')).toBe(false);
  }, 60_000);

  it('is refused to a viewer', async () => {
    setToken('tok');
    fakeBff({ 'GET /api/v1/auth/me': () => json(VIEWER) });
    renderAt('/tasks', [{ path: '/tasks', element: <TasksPage /> }]);
    expect(await screen.findByTestId('forbidden')).toBeInTheDocument();
  });
});

describe('CustomersPage and LeadsPage', () => {
  it('opens a customer card beside the list; a viewer gets no tasks on it', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(VIEWER),
      'GET /api/v1/customers': () =>
        json({
          items: [
            {
              id: 'cu1',
              open_id: 'o1',
              nickname: '小李',
              level: 'hot',
              score: 61,
              scores: {},
              tags: ['咖啡热客'],
              last_seen_at: '2026-12-01T09:00:00Z',
            },
          ],
          total: 1,
          limit: 20,
          offset: 0,
        }),
      'GET /api/v1/customers/cu1': () =>
        json({
          id: 'cu1',
          open_id: 'o1',
          nickname: '小李',
          level: 'hot',
          score: 61,
          scores: {},
          tags: ['咖啡热客'],
          last_seen_at: '2026-12-01T09:00:00Z',
          explanation: [],
          not_counted: [],
          rules_version: 1,
          events: [],
          crossings: [],
          leads: [],
        }),
      'GET /api/v1/customers/cu1/enrolments': () =>
        json({
          items: [
            {
              id: 'e2',
              journey_id: 'j1',
              journey_name: '新客关怀',
              version: 2,
              status: 'running',
              current_node: 'pause',
              entered_at: '2026-12-01T09:00:00Z',
              exited_at: null,
              exit_reason: null,
              goal_reached: false,
            },
            {
              id: 'e1',
              journey_id: 'j2',
              journey_name: '老客唤醒',
              version: 1,
              status: 'exited',
              current_node: 'done',
              entered_at: '2026-11-01T09:00:00Z',
              exited_at: '2026-11-02T09:00:00Z',
              exit_reason: 'goal',
              goal_reached: true,
            },
          ],
          limit: 20,
        }),
    });
    const { router } = renderAt('/customers', [
      { path: '/customers', element: <CustomersPage /> },
      { path: '/customers/:customerId', element: <CustomersPage /> },
    ]);
    await userEvent.click(await screen.findByText('小李'));
    expect(router.state.location.pathname).toBe('/customers/cu1');
    const card = await screen.findByTestId('customer-card');
    expect(await within(card).findByText('新客关怀')).toBeInTheDocument();
    expect(within(card).getByTestId('customer-level')).toHaveTextContent('热');
    const journeys = within(card).getAllByRole('listitem');
    expect(journeys.map((j) => j.textContent)).toEqual([
      expect.stringMatching(/新客关怀.*v2.*进行中.*节点 pause/),
      expect.stringMatching(/老客唤醒.*v1.*已结束.*结束 .*达成目标/),
    ]);
    // One request for every journey of the customer, not one per journey.
    const asked = bff.requests.map((r) => new URL(r.url).pathname);
    expect(asked.filter((p) => p.includes('enrolments'))).toEqual(['/api/v1/customers/cu1/enrolments']);
    expect(asked.some((p) => p.startsWith('/api/v1/journeys'))).toBe(false);
    expect(bff.requests.some((r) => r.url.includes('/api/v1/tasks'))).toBe(false);
  }, 60_000);

  it('lists leads, masked as the BFF answers them', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(VIEWER),
      'GET /api/v1/leads': () =>
        json({
          items: [
            {
              id: 'l1',
              customer_id: 'cu1',
              conversation_id: null,
              phone: '138****1234',
              wechat: null,
              name: null,
              source: 'card',
              consent: true,
              masked: true,
              created_at: '2026-12-01T09:00:00Z',
            },
          ],
          limit: 50,
          offset: 0,
        }),
    });
    renderAt('/leads', [{ path: '/leads', element: <LeadsPage /> }]);
    const row = (await screen.findByText('138****1234')).closest('tr') as HTMLElement;
    expect(within(row).getByRole('link')).toHaveAttribute('href', '/customers/cu1');
  });
});

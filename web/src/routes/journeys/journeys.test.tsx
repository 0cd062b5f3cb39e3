import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { JourneyDesignerPage } from './designer';
import { JourneysPage } from './list';

const ADMIN = { user_id: 'u', tenant_id: 't', username: 'ada', role: 'admin' };
const VIEWER = { ...ADMIN, role: 'viewer' };
const JOURNEY = {
  id: 'j1',
  name: '回访',
  account_id: null,
  trigger: 'manual',
  draft: {
    nodes: [
      { id: 't', kind: 'trigger', on: 'manual', next: 'd' },
      { id: 'd', kind: 'decision', event: 'replied', timeout_minutes: 50000, yes: 'x', no: 'x' },
      { id: 'x', kind: 'exit', reason: 'done' },
    ],
  },
  published_version: null,
  created_by: 'u',
  created_at: '2026-12-01T08:00:00Z',
  updated_at: '2026-12-01T09:00:00Z',
};

const routes = [
  { path: '/journeys', element: <JourneysPage /> },
  { path: '/journeys/:journeyId', element: <JourneyDesignerPage /> },
];

describe('JourneysPage', () => {
  it('lists journeys with their published version, and offers no creation to a viewer', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(VIEWER),
      'GET /api/v1/journeys': () => json({ items: [{ ...JOURNEY, published_version: 3 }] }),
    });
    renderAt('/journeys', routes);
    const row = (await screen.findByText('回访')).closest('tr') as HTMLElement;
    expect(within(row).getByText('v3')).toBeInTheDocument();
    expect(within(row).getByText('手动报名')).toBeInTheDocument();
    expect(screen.queryByTestId('new-journey')).not.toBeInTheDocument();
  });

  it('says when there is none', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/journeys': () => json({ items: [] }),
    });
    renderAt('/journeys', routes);
    expect(await screen.findByText('还没有旅程')).toBeInTheDocument();
    expect(screen.getByTestId('new-journey')).toBeInTheDocument();
  });
});

describe('JourneyDesignerPage', () => {
  it('draws the saved graph and puts the server 422 on the node it names', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/journeys/j1': () => json(JOURNEY),
      'GET /api/v1/douyin/accounts': () => json([]),
      'PUT /api/v1/journeys/j1': () =>
        json(
          {
            detail: 'node d: a decision waits at most 30 days for the customer',
            code: 'journey_invalid',
            errors: [
              { field: 'graph.nodes.d', message: 'a decision waits at most 30 days for the customer' },
            ],
          },
          422,
        ),
    });
    renderAt('/journeys/j1', routes);
    const decision = await screen.findByTestId('node-d');
    expect(decision).toHaveAttribute('data-problem', 'false');
    expect(screen.getByTestId('node-t')).toBeInTheDocument();
    expect(screen.getByTestId('node-x')).toBeInTheDocument();
    // Nothing changed yet: nothing to save.
    expect(screen.getByTestId('save')).toBeDisabled();

    fireEvent.change(screen.getByTestId('journey-name'), { target: { value: '回访 2' } });
    fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('node-d')).toHaveAttribute('data-problem', 'true'));
    expect(within(screen.getByTestId('node-d')).getByTestId('node-problem')).toHaveTextContent('30 days');
    expect(screen.getByTestId('node-t')).toHaveAttribute('data-problem', 'false');
    const sent = bff.requests.find((r) => r.method === 'PUT');
    const body = await sent?.json();
    expect(body.name).toBe('回访 2');
    expect(body.graph.nodes[1]).toEqual(JOURNEY.draft.nodes[1]);
    // The draft is not saved: publishing waits for a save.
    expect(screen.getByTestId('publish')).toBeDisabled();
  });

  it('edits the settings, saves them with the layout, and puts the server 422 on the settings field', async () => {
    setToken('tok');
    const saved = {
      ...JOURNEY,
      draft: { ...JOURNEY.draft, quiet_hours: null },
      layout: { t: { x: -120.5, y: 340 } },
    };
    let answer422 = true;
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/journeys/j1': () => json(saved),
      'GET /api/v1/douyin/accounts': () => json([]),
      'PUT /api/v1/journeys/j1': async (request) => {
        if (answer422) {
          answer422 = false;
          return json(
            {
              detail: 'invalid request',
              code: 'invalid_request',
              errors: [{ field: 'graph.reentry_days', message: 'Input should be less than or equal to 365' }],
            },
            422,
          );
        }
        const body = await request.json();
        return json({ ...saved, draft: body.graph, layout: body.layout });
      },
    });
    renderAt('/journeys/j1', routes);
    await screen.findByTestId('node-d');
    fireEvent.click(screen.getByTestId('settings-open'));
    const panel = await screen.findByTestId('settings-panel');
    // As loaded: quiet hours off, re-entry never.
    expect(within(panel).getByTestId('settings-quiet')).not.toBeChecked();
    expect(within(panel).queryByTestId('settings-reentry-days')).not.toBeInTheDocument();

    fireEvent.click(within(panel).getByText('隔一段时间后'));
    // after_days without days: the field says so, and the draft may not be saved.
    expect(await within(panel).findByText('间隔天数须为 1–365 的整数')).toBeInTheDocument();
    expect(screen.getByTestId('save')).toBeDisabled();
    fireEvent.change(within(panel).getByTestId('settings-reentry-days'), { target: { value: '30' } });
    fireEvent.click(within(panel).getByTestId('settings-exit-on-reply'));
    await waitFor(() => expect(screen.getByTestId('save')).toBeEnabled());

    fireEvent.click(screen.getByTestId('save'));
    expect(await within(panel).findByText('Input should be less than or equal to 365')).toBeInTheDocument();
    expect(screen.getByTestId('settings-problems')).toBeInTheDocument();
    // Editing the field clears the server's word on it.
    fireEvent.change(within(panel).getByTestId('settings-reentry-days'), { target: { value: '31' } });
    await waitFor(() =>
      expect(within(panel).queryByText('Input should be less than or equal to 365')).not.toBeInTheDocument(),
    );
    fireEvent.click(screen.getByTestId('save'));
    await screen.findByText('草稿已保存');
    const puts = bff.requests.filter((r) => r.method === 'PUT');
    const body = await puts[1].json();
    expect(body.graph).toMatchObject({
      reentry: 'after_days',
      reentry_days: 31,
      exit_on_reply: true,
      quiet_hours: null,
      goal: { event: 'lead_left' },
    });
    expect(body.graph.nodes).toEqual(JOURNEY.draft.nodes);
    // The saved position is kept; the others are where the automatic layout put them.
    expect(Object.keys(body.layout).sort()).toEqual(['d', 't', 'x']);
    expect(body.layout.t).toEqual({ x: -120.5, y: 340 });
    expect(body.layout.d).toEqual({ x: 260, y: 0 });
  });

  it('keeps an edit made while the save is on its way as unsaved', async () => {
    setToken('tok');
    let answer: (response: Response) => void = () => {};
    fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/journeys/j1': () => json(JOURNEY),
      'GET /api/v1/douyin/accounts': () => json([]),
      'PUT /api/v1/journeys/j1': async (request) => {
        const body = await request.json();
        return new Promise<Response>((resolve) => {
          answer = resolve;
        }).then(() => json({ ...JOURNEY, name: body.name }));
      },
    });
    renderAt('/journeys/j1', routes);
    await screen.findByTestId('node-d');
    fireEvent.change(screen.getByTestId('journey-name'), { target: { value: '回访一' } });
    fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('save')).toHaveClass('ant-btn-loading'));
    fireEvent.change(screen.getByTestId('journey-name'), { target: { value: '回访二' } });
    answer(json({}));
    await screen.findByText('草稿已保存');
    // The second name was not in the request: still unsaved, so saving is offered and publishing is not.
    await waitFor(() => expect(screen.getByTestId('save')).not.toHaveClass('ant-btn-loading'));
    expect(screen.getByTestId('save')).toBeEnabled();
    expect(screen.getByTestId('publish')).toBeDisabled();
    expect(screen.getByTestId('journey-name')).toHaveValue('回访二');
  });

  it('names the account of the journey for a viewer too', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(VIEWER),
      'GET /api/v1/journeys/j1': () => json({ ...JOURNEY, account_id: 'a1' }),
      'GET /api/v1/douyin/accounts': () => json([{ id: 'a1', nickname: '小鹿咖啡馆官方号', open_id: 'o1' }]),
    });
    renderAt('/journeys/j1', routes);
    await screen.findByTestId('node-d');
    expect(await screen.findByText('小鹿咖啡馆官方号')).toBeInTheDocument();
  });

  it('draws a simulated path and per-node statistics on the graph', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ADMIN),
      'GET /api/v1/journeys/j1': () => json(JOURNEY),
      'GET /api/v1/douyin/accounts': () => json([]),
      'POST /api/v1/journeys/j1/simulate': () =>
        json({
          journey_id: 'j1',
          version: null,
          actions: [],
          ended_at: '2026-12-01T10:00:00Z',
          exit_reason: 'done',
          goal_reached: false,
          path: [
            { node_id: 't', kind: 'trigger', outcome: 'entered', at: '2026-12-01T09:00:00Z' },
            { node_id: 'd', kind: 'decision', outcome: 'no', at: '2026-12-01T09:00:00Z' },
            { node_id: 'x', kind: 'exit', outcome: 'done', at: '2026-12-01T10:00:00Z' },
          ],
        }),
      'GET /api/v1/journeys/j1/stats': () =>
        json({
          journey_id: 'j1',
          version: null,
          enrolled: 4,
          running: 1,
          goal_reached: 1,
          conversion: 0.25,
          nodes: [{ node_id: 'd', entered: 4, waiting: 1, branches: { yes: 2, no: 1 }, exited: 0 }],
        }),
    });
    renderAt('/journeys/j1', routes);
    await screen.findByTestId('node-d');
    fireEvent.click(screen.getByTestId('simulate'));
    fireEvent.click(await screen.findByTestId('sim-run'));
    await waitFor(() => expect(screen.getByTestId('node-d')).toHaveAttribute('data-on-path', 'true'));
    expect(screen.getByTestId('node-x')).toHaveAttribute('data-on-path', 'true');
    const asked = bff.requests.find((r) => r.url.endsWith('/simulate')) as Request;
    expect((await asked.json()).customer).toEqual({ level: 'cold', score: 0, tags: [] });

    fireEvent.click(screen.getByTestId('show-stats'));
    const stats = await within(screen.getByTestId('node-d')).findByTestId('node-stats');
    expect(stats).toHaveTextContent('进入 4');
    expect(stats).toHaveTextContent('停留 1');
    expect(stats).toHaveTextContent('是 2');
    expect(screen.getByTestId('stats-summary')).toHaveTextContent('转化 25.0%');
  });
});

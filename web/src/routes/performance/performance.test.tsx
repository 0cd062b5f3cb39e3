import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { PerformancePage } from '.';

// jsdom draws no canvas: the chart stands in as its labelled box, with the option it was given.
vi.mock('../../features/insights/EChart', () => ({
  EChart: ({ label, testId, option }: { label: string; testId?: string; option: unknown }) => (
    <div role="img" aria-label={label} data-testid={testId} data-option={JSON.stringify(option)} />
  ),
}));

const ME = { user_id: 'u', tenant_id: 't', username: 'vera', role: 'viewer' };
const COUNTS = { play: 1000, digg: 50, comment: 5, share: 2, engagement: 57, engagement_rate: 0.057 };
const ZERO = { engagement: 0, engagement_rate: null };
const BOARD = {
  account_id: null,
  from_day: '2026-11-03',
  to_day: '2026-12-02',
  kind: null,
  period: 'day',
  contents: [{ kind: 'titles', status: 'published', count: 3 }],
  contents_total: 3,
  publish_totals: { published: 2, failed: 1 },
  publishes: [],
  engagement: {
    totals: COUNTS,
    by_kind: [],
    by_account: [],
    by_period: [{ key: '2026-12-01', counts: COUNTS }],
  },
  top_contents: [
    {
      item_id: 'it1',
      account_id: 'a1',
      content_id: 'c1',
      content_kind: 'titles',
      counts: COUNTS,
      created_on_douyin: '2026-12-01T00:00:00Z',
      title: '防晒三步',
    },
  ],
  replications: [
    {
      replication_id: 'r1',
      account_id: 'a1',
      created_at: '2026-12-01T10:00:00Z',
      hit_ratio: 4.2,
      source_content_id: 'c1',
      source_counts: COUNTS,
      source_item_id: 'it1',
      source_title: '防晒三步',
      status: 'done',
      variants: [
        { content_id: 'v1', counts: ZERO, published_items: 0, status: 'draft', title: '防晒三步（变体）' },
      ],
      variants_counts: ZERO,
    },
  ],
  customers: {
    attribution_days: 7,
    funnel: {
      contents: 3,
      views: 1000,
      private_messages: 40,
      comments: 5,
      leads: 8,
      deals: 2,
      deal_amount_fen: 19900,
    },
    unattributed: { private_messages: 6, leads: 1, deals: 0 },
    by_account: [
      { key: 'a1', label: '小美护肤', counts: { views: 1000, private_messages: 34, leads: 7, deals: 2 } },
    ],
    by_content: [],
    by_journey: [{ key: 'j1', label: '新客欢迎', counts: { private_messages: 3, leads: 2, deals: 1 } }],
    by_agent: [{ key: 'bot', counts: { private_messages: 20 } }],
    resolution: { bot: 10, human: 5, closed: 15, bot_rate: 0.667 },
    first_response: {
      answered: 30,
      conversations: 40,
      p50_seconds: 30,
      p90_seconds: 300,
      sla_seconds: 120,
      sla_hit_rate: 0.8,
    },
    lead_conversion: [{ source: 'im', leads: 8, deals: 2, conversion_rate: 0.25 }],
  },
};

function routes() {
  return [
    { path: '/performance', element: <PerformancePage /> },
    { path: '/contents/:id', element: <div>detail</div> },
  ];
}

describe('PerformancePage', () => {
  it('shows the content side and the funnel with its rates, its breakdowns and the unattributed share explained', {
    timeout: 60_000,
  }, async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/douyin/accounts': () => json([{ id: 'a1', nickname: '小美护肤', open_id: 'o1' }]),
      'GET /api/v1/dashboard': () => json(BOARD),
    });
    renderAt('/performance', routes());

    const funnel = await screen.findByTestId('funnel');
    expect(within(funnel).getByTestId('stage-leads')).toHaveTextContent('8');
    expect(within(funnel).getByTestId('stage-leads')).toHaveTextContent('20.0%');
    expect(within(funnel).getByTestId('stage-deals')).toHaveTextContent('25.0%');
    expect(within(funnel).getByTestId('unattributed')).toHaveTextContent('7 天内');
    const accountRow = within(funnel).getByText('小美护肤').closest('tr') as HTMLElement;
    expect(accountRow).toHaveTextContent('¥0.00');
    const unattributedRow = within(funnel).getByTestId('unattributed-row').closest('tr') as HTMLElement;
    expect(within(unattributedRow).getAllByRole('cell')[2]).toHaveTextContent('6');
    await userEvent.click(within(funnel).getByRole('tab', { name: '按客户旅程' }));
    expect(await within(funnel).findByText('新客欢迎')).toBeInTheDocument();
    await userEvent.click(within(funnel).getByRole('tab', { name: '按客服' }));
    expect(await within(funnel).findByText('机器人')).toBeInTheDocument();

    expect(screen.getByTestId('contents-total')).toHaveTextContent('3');
    const chart = screen.getByTestId('period-chart');
    expect(JSON.parse(chart.dataset.option ?? '{}').series[0].data).toEqual([1000]);
  });

  it('opens an item’s curve from the top contents and shows replications beside their sources', {
    timeout: 60_000,
  }, async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/douyin/accounts': () => json([]),
      'GET /api/v1/dashboard': () => json(BOARD),
      'GET /api/v1/metrics/items/it1/series': () =>
        json({
          item: {
            ...BOARD.top_contents[0],
            first_seen_at: '',
            last_captured_at: '',
            media_type: 4,
            share_url: '',
          },
          points: [{ age_seconds: 60, captured_at: '2026-12-01T01:00:00Z', counts: COUNTS }],
        }),
    });
    const { router } = renderAt('/performance', routes());

    await userEvent.click(await screen.findByText('防晒三步'));
    expect(await screen.findByTestId('item-chart')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?tab=metrics&item=it1');
    expect(screen.getByText('还没有绑定抖音账号')).toBeInTheDocument();
    expect(bff.requests.some((r) => new URL(r.url).pathname === '/api/v1/metrics/items/it1/series')).toBe(
      true,
    );

    await userEvent.click(screen.getByRole('tab', { name: '爆款复刻' }));
    const card = await screen.findByTestId('replications');
    expect(within(card).getByText('×4.2', { exact: false })).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: '防晒三步' })).toHaveAttribute('href', '/contents/c1');
    expect(within(card).getByRole('link', { name: '防晒三步（变体）' })).toHaveAttribute(
      'href',
      '/contents/v1',
    );
  });

  it('sends the filters to the BFF and shows its error', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/douyin/accounts': () => json([]),
      'GET /api/v1/dashboard': () => json({ detail: 'douyin account x not found', code: 'not_found' }, 404),
    });
    renderAt('/performance?account=x&period=week', routes());
    expect(await screen.findByTestId('load-error')).toHaveTextContent('douyin account x not found');
    const asked = bff.requests.map((r) => new URL(r.url)).find((u) => u.pathname === '/api/v1/dashboard');
    expect(asked?.searchParams.get('account_id')).toBe('x');
    expect(asked?.searchParams.get('period')).toBe('week');
  });
});

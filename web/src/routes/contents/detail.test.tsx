import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { ContentDetailPage } from './detail';

const AT = '2026-12-01T08:00:00Z';
const CONTENT = {
  id: 'c1',
  kind: 'copywriting',
  status: 'draft',
  status_detail: null,
  title: '周末亲子烘焙',
  topic: '烘焙',
  platform: 'douyin',
  version: 2,
  body: { copies: [] },
  compliance: { passed: true, findings: [] },
  workflow_id: 'w',
  created_by: 'olivia',
  created_at: AT,
  updated_at: AT,
  assets: [],
};
const VERSIONS = [
  {
    version: 1,
    title: '周末烘焙',
    body: { note: '第一版' },
    change: 'created',
    created_by: 'o',
    created_at: AT,
  },
  {
    version: 2,
    title: '周末亲子烘焙',
    body: { note: '第一版' },
    change: 'edited',
    created_by: 'o',
    created_at: AT,
  },
];
const APPROVAL = {
  approved: false,
  comment: null,
  content_id: 'c1',
  current_version: 2,
  decided_by: null,
  required: false,
  state: 'in_review',
  updated_at: null,
  version: 2,
  workflow_id: null,
};
const RULES = [
  {
    platform: 'douyin',
    display_name: '抖音',
    title_max: 30,
    body_max: 1000,
    hashtag_min: 1,
    hashtag_max: 5,
    notes: [],
  },
  {
    platform: 'xiaohongshu',
    display_name: '小红书',
    title_max: 5,
    body_max: 1000,
    hashtag_min: 1,
    hashtag_max: 10,
    notes: [],
  },
];
const ACCOUNT = {
  id: 'acc-1',
  nickname: '小鹿',
  open_id: 'o1',
  health: 'healthy',
  unbound_at: null,
  scopes: [],
};

function routes(role: string, extra: Record<string, (r: Request) => Response | Promise<Response>> = {}) {
  return {
    'GET /api/v1/auth/me': () => json({ user_id: 'u', tenant_id: 't', username: 'x', role }),
    'GET /api/v1/contents/c1': () => json(CONTENT),
    'GET /api/v1/contents/c1/versions': () => json(VERSIONS),
    'GET /api/v1/contents/c1/approval': () => json(APPROVAL),
    'GET /api/v1/publish': () => json([]),
    'GET /api/v1/douyin/accounts': () => json([ACCOUNT]),
    'GET /api/v1/users/directory': () =>
      json([{ id: 'o', display_name: '欧阳编辑', role: 'operator', active: true }]),
    ...extra,
  };
}

describe('ContentDetailPage', () => {
  it('diffs the last two versions field by field, and offers a reviewer only the review', async () => {
    setToken('tok');
    fakeBff(routes('reviewer'));
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    const diff = await screen.findByTestId('version-diff');
    const title = within(diff).getByTestId('diff-title');
    expect(within(title).getByTestId('diff-added')).toHaveTextContent('亲子');
    expect(within(diff).queryByTestId('diff-body.note')).toBeNull();
    expect(await screen.findByTestId('approve')).toBeInTheDocument();
    expect(screen.queryByTestId('edit')).toBeNull();
    expect(screen.queryByTestId('publish')).toBeNull();
    expect(screen.queryByTestId('submit-review')).toBeNull();
    // Versions name their author from the team directory and say how they came to be.
    const history = screen.getByTestId('versions');
    expect(await within(history).findAllByText('欧阳编辑')).toHaveLength(2);
    expect(within(history).getByText('编辑')).toBeInTheDocument();
  });

  it('shows each platform’s copy with its counters and edits one body through its form, sending only that', async () => {
    setToken('tok');
    const copies = [
      { platform: 'douyin', title: '周末烘焙', body: '一起做蛋糕', hashtags: ['#烘焙'] },
      { platform: 'xiaohongshu', title: '亲子烘焙时光', body: '周末和孩子', hashtags: ['#亲子#'] },
    ];
    const bff = fakeBff(
      routes('operator', {
        'GET /api/v1/contents/c1': () => json({ ...CONTENT, body: { copies, request: { topic: '烘焙' } } }),
        'GET /api/v1/platforms': () => json(RULES),
        'PATCH /api/v1/contents/c1': () => json({ ...CONTENT, version: 3 }),
      }),
    );
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    const body = await screen.findByTestId('content-body');
    const xhs = within(body).getByTestId('copy-xiaohongshu');
    expect(within(xhs).getByText('周末和孩子')).toBeInTheDocument();
    await waitFor(() => expect(within(xhs).getByTestId('title-counter')).toHaveTextContent('6 / 5'));
    expect(within(xhs).getByTestId('title-counter')).toHaveClass('ant-typography-danger');

    await userEvent.click(screen.getByTestId('edit'));
    const form = await screen.findByTestId('edit-copy-xiaohongshu');
    await userEvent.type(within(form).getByTestId('copy-body'), '一起烤');
    expect(within(form).getByTestId('body-counter')).toHaveTextContent('8 / 1000');
    await userEvent.click(screen.getByTestId('save-edit'));

    await waitFor(() => expect(bff.requests.some((r) => r.method === 'PATCH')).toBe(true));
    const sent = bff.requests.find((r) => r.method === 'PATCH');
    expect(sent?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(await sent?.json()).toEqual({
      base_version: 2,
      body: { copies: [copies[0], { ...copies[1], body: '周末和孩子一起烤' }] },
    });
    expect(await screen.findByText('已保存为 v3')).toBeInTheDocument();
  }, 60_000);

  it('times a script’s shots from the hook as shot 1, and saves a reordered, retimed shot table', async () => {
    setToken('tok');
    const shot = (index: number, seconds: number, line: string) => ({
      index,
      duration_seconds: seconds,
      shot_size: '近景',
      camera_movement: '固定',
      visual: '画面',
      on_screen_text: '字幕',
      line,
    });
    const script = {
      title: '三步做蛋糕',
      script_type: 'tutorial',
      hook: { text: '你也能做', visual: '成品', duration_seconds: 3 },
      shots: [shot(1, 3, '你也能做'), shot(2, 4, '先打蛋'), shot(3, 6, '再烤')],
      call_to_action: '关注我',
      total_duration_seconds: 13,
    };
    let polls = 0;
    const bff = fakeBff(
      routes('operator', {
        'GET /api/v1/contents/c1': () => json({ ...CONTENT, kind: 'video_script', body: script }),
        'PATCH /api/v1/contents/c1': () =>
          json({ workflow_id: 'edit-1', status: 'running', status_url: '/x' }, 202),
        'GET /api/v1/workflows/edit-1': () => {
          polls += 1;
          return json({ workflow_id: 'edit-1', workflow_type: 'W', status: 'completed', result: {} });
        },
      }),
    );
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    const table = await screen.findByTestId('shots');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('0:00–0:03');
    expect(rows[2]).toHaveTextContent('0:07–0:13');

    await userEvent.click(screen.getByTestId('edit'));
    const shots = await screen.findByTestId('edit-shots');
    const editRows = () => within(shots).getAllByRole('row').slice(1);
    await userEvent.click(within(editRows()[2]).getByTestId('move-up'));
    const seconds = within(editRows()[1]).getByTestId('shot-duration_seconds');
    await userEvent.clear(seconds);
    await userEvent.type(seconds, '8');
    await waitFor(() => expect(editRows()[2]).toHaveTextContent('0:11–0:15'));
    expect(screen.getByTestId('script-total')).toHaveTextContent('总时长 15 秒');
    await userEvent.click(screen.getByTestId('save-edit'));

    await waitFor(() => expect(polls).toBe(1));
    const sent = (await bff.requests.find((r) => r.method === 'PATCH')?.json()) as {
      body: typeof script;
      title?: string;
    };
    expect(sent.title).toBeUndefined();
    expect(sent.body.shots.map((s) => [s.index, s.line, s.duration_seconds])).toEqual([
      [1, '你也能做', 3],
      [2, '再烤', 8],
      [3, '先打蛋', 4],
    ]);
    expect(sent.body.total_duration_seconds).toBe(15);
  }, 60_000);

  it('asks before closing an edited form, and saves nothing when nothing changed', async () => {
    setToken('tok');
    const bff = fakeBff(routes('operator', { 'GET /api/v1/platforms': () => json(RULES) }));
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    await userEvent.click(await screen.findByTestId('edit'));
    await userEvent.click(await screen.findByTestId('save-edit'));
    await waitFor(() => expect(screen.queryByTestId('save-edit')).toBeNull());
    expect(bff.requests.some((r) => r.method === 'PATCH')).toBe(false);

    await userEvent.click(screen.getByTestId('edit'));
    await userEvent.type(await screen.findByTestId('edit-title'), '！');
    await userEvent.click(screen.getByRole('button', { name: '取 消' }));
    expect(await screen.findAllByText('放弃未保存的修改？')).not.toHaveLength(0);
  });

  it('shows the BFF’s pre-publish checks for the accounts chosen and sends only when they pass', async () => {
    setToken('tok');
    let ok = false;
    const bff = fakeBff(
      routes('operator', {
        'POST /api/v1/publish/checks': () =>
          json({
            content_id: 'c1',
            version: 2,
            content_problems: ok ? [] : ['no media attached'],
            approval_problem: null,
            accounts: [{ account_id: 'acc-1', problem: null, live_publish_id: null, live_status: null }],
            ok,
          }),
        'POST /api/v1/publish': () => json({ content_id: 'c1', publishes: [] }, 202),
      }),
    );
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    await userEvent.click(await screen.findByTestId('publish'));
    await userEvent.click(await screen.findByLabelText(/小鹿/));
    const checks = screen.getByTestId('publish-checks');
    expect(await within(checks).findByText('no media attached')).toBeInTheDocument();
    expect(screen.getByTestId('send-publish')).toBeDisabled();

    ok = true;
    await userEvent.click(screen.getByLabelText(/小鹿/));
    await userEvent.click(screen.getByLabelText(/小鹿/));
    expect(await within(checks).findByText('检查通过，可以发布 v2')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('send-publish'));
    await waitFor(() =>
      expect(
        bff.requests.some((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/publish'),
      ).toBe(true),
    );
    const sent = bff.requests.find(
      (r) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/publish',
    );
    expect(await sent?.json()).toEqual({ content_id: 'c1', account_ids: ['acc-1'] });
  });
});

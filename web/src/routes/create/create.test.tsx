import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { CopywritingPage } from './copywriting';
import { VideoScriptPage } from './video-script';

const ME = { user_id: 'u', tenant_id: 't', username: 'olivia', role: 'operator' };
const BRANDS = {
  items: [
    {
      id: 'brand-1',
      version: 2,
      archived: false,
      created_at: '2026-01-01T00:00:00Z',
      created_by: 'u',
      updated_at: '2026-01-01T00:00:00Z',
      profile: { name: '小鹿烘焙' },
    },
  ],
  total: 1,
  limit: 100,
  offset: 0,
};
const RULES = [
  {
    platform: 'douyin',
    display_name: '抖音',
    title_max: 30,
    body_max: 1000,
    hashtag_min: 3,
    hashtag_max: 5,
    notes: ['前5个字抓住注意力'],
  },
  {
    platform: 'xiaohongshu',
    display_name: '小红书',
    title_max: 5,
    body_max: 1000,
    hashtag_min: 3,
    hashtag_max: 10,
    notes: [],
  },
];

function completes(id: string, result: unknown) {
  let polls = 0;
  return () => {
    polls += 1;
    return polls < 2
      ? json({ workflow_id: id, workflow_type: 'W', status: 'running', stage: 'writing' })
      : json({ workflow_id: id, workflow_type: 'W', status: 'completed', result });
  };
}

describe('CopywritingPage', () => {
  it('sends the brand chosen, then shows each platform side by side counted against its own limits', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/brands': () => json(BRANDS),
      'GET /api/v1/platforms': () => json(RULES),
      'POST /api/v1/copywriting': () =>
        json({ workflow_id: 'copy-1', status: 'running', status_url: '/x' }, 202),
      'GET /api/v1/workflows/copy-1': completes('copy-1', {
        content_id: 'c-1',
        copies: [
          {
            platform: 'douyin',
            title: '周末烘焙',
            body: '最好吃的蛋糕',
            hashtags: ['#烘焙', '#周末', '#亲子'],
          },
          { platform: 'xiaohongshu', title: '周末亲子烘焙日', body: '正文', hashtags: ['#烘焙'] },
        ],
        compliance: {
          passed: false,
          findings: [
            { term: '最好', category: 'absolute_claim', field: 'copies[0].body', suggestion: '很好' },
          ],
        },
      }),
    });
    renderAt('/create/copywriting', [{ path: '/create/copywriting', element: <CopywritingPage /> }]);

    await userEvent.type(screen.getByTestId('topic'), '亲子烘焙');
    await userEvent.click(within(screen.getByTestId('brand')).getByRole('combobox'));
    await userEvent.click(await screen.findByText('小鹿烘焙 · v2'));
    await userEvent.click(screen.getByTestId('generate'));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();

    const douyin = await screen.findByTestId('copy-douyin');
    const xhs = screen.getByTestId('copy-xiaohongshu');
    expect(within(douyin).getByTestId('title-counter')).toHaveTextContent('4 / 30');
    expect(within(xhs).getByTestId('title-counter')).toHaveTextContent('7 / 5');
    expect(within(xhs).getByTestId('title-counter')).toHaveClass('ant-typography-danger');
    expect(within(douyin).getByTestId('flagged-term')).toHaveTextContent('最好');
    expect(screen.getByTestId('open-draft')).toHaveAttribute('href', '/contents/c-1');

    const start = bff.requests.find((r) => r.method === 'POST');
    expect(new URL(start?.url ?? '').searchParams.get('wait')).toBe('false');
    expect(await start?.json()).toMatchObject({
      topic: '亲子烘焙',
      brand_id: 'brand-1',
      platforms: ['douyin', 'xiaohongshu'],
    });
  });
});

describe('VideoScriptPage', () => {
  it('lays the shots out in a table timed from the end of the hook', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/brands': () => json({ ...BRANDS, items: [] }),
      'POST /api/v1/video-scripts': () =>
        json({ workflow_id: 'vs-1', status: 'running', status_url: '/x' }, 202),
      'GET /api/v1/workflows/vs-1': completes('vs-1', {
        content_id: 'c-2',
        compliance: { passed: true, findings: [] },
        script: {
          title: '三步做蛋糕',
          script_type: 'tutorial',
          total_duration_seconds: 13,
          call_to_action: '关注我',
          hook: { text: '你也能做', visual: '成品特写', duration_seconds: 3 },
          shots: [
            {
              index: 1,
              duration_seconds: 4,
              shot_size: '近景',
              camera_movement: '固定',
              visual: '打蛋',
              line: '先打蛋',
              on_screen_text: '第一步',
            },
            {
              index: 2,
              duration_seconds: 6,
              shot_size: '特写',
              camera_movement: '推',
              visual: '烤箱',
              line: '再烤',
              on_screen_text: '第二步',
            },
          ],
        },
      }),
    });
    renderAt('/create/video-script', [{ path: '/create/video-script', element: <VideoScriptPage /> }]);
    await userEvent.type(screen.getByTestId('topic'), '蛋糕');
    await userEvent.click(screen.getByTestId('generate'));

    const shots = await screen.findByTestId('shots');
    const rows = within(shots).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('0:03–0:07');
    expect(rows[1]).toHaveTextContent('0:07–0:13');
    expect(screen.getByTestId('compliance')).toHaveTextContent('合规检查通过');
  });
});

describe('an unsent brief', () => {
  it('asks before a route change loses it, and stays when told to', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/brands': () => json(BRANDS),
    });
    const { router } = renderAt('/create/video-script', [
      { path: '/create/video-script', element: <VideoScriptPage /> },
      { path: '/contents', element: <div>contents page</div> },
    ]);
    await userEvent.type(screen.getByTestId('topic'), '蛋糕');
    await act(() => router.navigate('/contents'));
    expect(await screen.findByRole('dialog')).toHaveTextContent('离开此页面后，填写的内容会丢失。');
    await userEvent.click(screen.getByRole('button', { name: '留在此页' }));
    expect(router.state.location.pathname).toBe('/create/video-script');

    await act(() => router.navigate('/contents'));
    await userEvent.click(await screen.findByRole('button', { name: '离开此页' }));
    expect(await screen.findByText('contents page')).toBeInTheDocument();
  });
});

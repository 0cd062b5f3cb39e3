import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { ContentDetailPage } from './detail';
import { ContentsPage } from './list';

const ME = { user_id: 'u', tenant_id: 't', username: 'vera', role: 'viewer' };
const ITEM = {
  id: 'c1',
  kind: 'titles',
  status: 'draft',
  title: '3 个防晒误区',
  topic: '防晒',
  platform: 'douyin',
  version: 2,
  compliance_passed: false,
  created_at: '2026-12-01T08:00:00Z',
  updated_at: '2026-12-01T09:00:00Z',
};

describe('ContentsPage', () => {
  it('lists contents and asks the BFF again with the filter chosen', async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/contents': (request) => {
        const kind = new URL(request.url).searchParams.get('kind');
        return json({ items: kind ? [] : [ITEM], total: kind ? 0 : 1, limit: 20, offset: 0 });
      },
    });
    const { router } = renderAt('/contents', [{ path: '/contents', element: <ContentsPage /> }]);

    const row = (await screen.findByText('3 个防晒误区')).closest('tr') as HTMLElement;
    expect(within(row).getByText('草稿')).toBeInTheDocument();
    expect(within(row).getByText('有问题')).toBeInTheDocument();
    expect(within(row).getByRole('link')).toHaveAttribute('href', '/contents/c1');

    await userEvent.click(screen.getByTestId('filter-kind').querySelector('input') as HTMLElement);
    await userEvent.click(await screen.findByTitle('视频脚本'));
    expect(await screen.findByText('还没有内容，去“创作”生成第一条吧。')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?kind=video_script');
    const asked = bff.requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/contents');
    expect(asked.at(-1)?.searchParams.get('kind')).toBe('video_script');
    expect(asked.at(-1)?.searchParams.get('offset')).toBe('0');
  });

  it('shows the error with a retry', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/contents': () => json({ detail: 'database unreachable', code: 'x' }, 503),
    });
    renderAt('/contents', [{ path: '/contents', element: <ContentsPage /> }]);
    const error = await screen.findByTestId('load-error');
    expect(error).toHaveTextContent('database unreachable');
    expect(within(error).getByRole('button', { name: '重 试' })).toBeInTheDocument();
  });
});

describe('ContentDetailPage', () => {
  it('shows the content, its findings and every version, the current one marked', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/contents/c1': () =>
        json({
          ...ITEM,
          status_detail: null,
          body: { candidates: [{ text: '3 个防晒误区', formula: 'number', length: 7 }] },
          compliance: {
            passed: false,
            findings: [{ term: '最', category: 'absolute_claim', field: 'title', suggestion: '删去' }],
          },
          workflow_id: 'w',
          created_by: 'olivia',
          assets: [],
        }),
      'GET /api/v1/contents/c1/versions': () =>
        json([
          {
            version: 1,
            title: '旧标题',
            body: {},
            change: 'created',
            created_by: 'olivia',
            created_at: ITEM.created_at,
          },
          {
            version: 2,
            title: '3 个防晒误区',
            body: {},
            change: 'edited',
            created_by: 'olivia',
            created_at: ITEM.updated_at,
          },
        ]),
    });
    renderAt('/contents/c1', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);

    const detail = await screen.findByTestId('content-detail');
    expect(within(detail).getByTestId('compliance')).toHaveTextContent('发现 1 处合规问题');
    expect(within(detail).getByTestId('content-body')).toHaveTextContent('1. 3 个防晒误区');
    const versions = await screen.findByTestId('versions');
    const rows = within(versions).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[1]).getByText('当前版本')).toBeInTheDocument();
    expect(within(rows[0]).queryByText('当前版本')).toBeNull();
  });

  it('says a missing content is missing', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/contents/nope': () => json({ detail: 'content nope not found', code: 'not_found' }, 404),
      'GET /api/v1/contents/nope/versions': () =>
        json({ detail: 'content nope not found', code: 'not_found' }, 404),
    });
    renderAt('/contents/nope', [{ path: '/contents/:contentId', element: <ContentDetailPage /> }]);
    expect(await screen.findAllByTestId('load-error')).not.toHaveLength(0);
    expect(screen.getAllByTestId('load-error')[0]).toHaveTextContent('内容不存在或无权查看');
  });
});

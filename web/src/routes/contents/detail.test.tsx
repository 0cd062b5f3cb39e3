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

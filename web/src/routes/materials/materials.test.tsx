import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { MaterialsPage } from './index';

const AGENT = { user_id: 'u', tenant_id: 't', username: 'amy', role: 'agent' };
const LIBRARY = {
  id: 'lib1',
  name: '报价',
  description: '',
  bot_may_use: false,
  permission: 'viewer',
  created_by: 'm',
  created_at: '2026-12-01T08:00:00Z',
};
const material = (id: string, title: string, expired: boolean) => ({
  id,
  library_id: 'lib1',
  kind: 'price_sheet',
  title,
  description: '',
  tags: ['夏季'],
  expires_at: '2026-11-01T00:00:00Z',
  expired,
  archived: false,
  douyin_item_id: null,
  current_version: null,
  created_by: 'm',
  created_at: '2026-10-01T08:00:00Z',
  updated_at: '2026-10-01T08:00:00Z',
  score: null,
});

describe('MaterialsPage', () => {
  it("lists the first library's materials with expired ones marked, searches by q, offers a viewer no upload", async () => {
    setToken('tok');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(AGENT),
      'GET /api/v1/material-libraries': () => json([LIBRARY]),
      'GET /api/v1/materials': (request) => {
        const q = new URL(request.url).searchParams.get('q');
        const items = q ? [material('m2', '团购价', false)] : [material('m1', '旧价目', true)];
        return json({ items, total: items.length, limit: 20, offset: 0 });
      },
    });
    const { router } = renderAt('/materials', [{ path: '/materials', element: <MaterialsPage /> }]);
    const row = (await screen.findByText('旧价目')).closest('tr') as HTMLElement;
    expect(within(row).getByText('已过期')).toBeInTheDocument();
    expect(within(row).getByText('价目表')).toBeInTheDocument();
    expect(screen.queryByTestId('upload-material')).not.toBeInTheDocument();
    expect(screen.queryByTestId('new-library')).not.toBeInTheDocument();

    const search = screen.getByTestId('material-search');
    fireEvent.change(search, { target: { value: '团购' } });
    fireEvent.keyDown(search, { key: 'Enter', code: 'Enter', keyCode: 13 });
    expect(await screen.findByText('团购价')).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe('?q=%E5%9B%A2%E8%B4%AD'));
    const asked = bff.requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/materials');
    expect(asked.at(-1)?.searchParams.get('q')).toBe('团购');
    expect(asked.at(-1)?.searchParams.get('library_id')).toBe('lib1');
  });

  it('lets a manager who is not an admin add a member picked from the directory', async () => {
    setToken('tok');
    const members = [
      {
        user_id: 'u',
        username: 'amy',
        permission: 'manager',
        added_by: 'm',
        created_at: '2026-12-01T08:00:00Z',
      },
    ];
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(AGENT),
      'GET /api/v1/material-libraries': () => json([{ ...LIBRARY, permission: 'manager' }]),
      'GET /api/v1/materials': () => json({ items: [], total: 0, limit: 20, offset: 0 }),
      'GET /api/v1/material-libraries/lib1/members': () => json(members),
      'GET /api/v1/users/directory': () =>
        json([
          { id: 'u', display_name: 'amy', role: 'agent', active: true },
          { id: 'u2', display_name: '小周', role: 'agent', active: true },
        ]),
      'PUT /api/v1/material-libraries/lib1/members': async (request) => {
        const body = (await request.json()) as { user_id: string; permission: string };
        members.push({ ...body, username: 'zhou', added_by: 'u', created_at: '2026-12-02T08:00:00Z' });
        return json(members);
      },
    });
    renderAt('/materials', [{ path: '/materials', element: <MaterialsPage /> }]);
    await userEvent.click(await screen.findByRole('tab', { name: '成员' }));
    await userEvent.click((await screen.findByTestId('member-user')).querySelector('input') as HTMLElement);
    await userEvent.click(await screen.findByTitle('小周'));
    // A member already in the library is not offered again.
    expect(screen.queryByTitle('amy')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: '添加成员' }));
    expect(await within(screen.getByTestId('members')).findByText('zhou')).toBeInTheDocument();
    const put = bff.requests.find((r) => r.method === 'PUT');
    expect(await put?.json()).toEqual({ user_id: 'u2', permission: 'viewer' });
    expect(bff.requests.some((r) => new URL(r.url).pathname === '/api/v1/users')).toBe(false);
  }, 60_000);

  it('offers a contributor whose role may not upload media no image or video kind, and says why', async () => {
    setToken('tok');
    const video = { ...material('m1', '门店视频', false), kind: 'video' };
    fakeBff({
      'GET /api/v1/auth/me': () => json(AGENT),
      'GET /api/v1/material-libraries': () => json([{ ...LIBRARY, permission: 'contributor' }]),
      'GET /api/v1/materials': () => json({ items: [video], total: 1, limit: 20, offset: 0 }),
      'GET /api/v1/materials/m1': () => json(video),
      'GET /api/v1/materials/m1/versions': () => json([]),
      'GET /api/v1/materials/m1/shares': () => json([]),
    });
    renderAt('/materials', [{ path: '/materials', element: <MaterialsPage /> }]);
    await userEvent.click(await screen.findByTestId('upload-material'));
    expect(await screen.findByText(/只有管理员和运营可以上传/)).toBeInTheDocument();
    await userEvent.click(
      (await screen.findByTestId('upload-kind'))
        .closest('.ant-select')
        ?.querySelector('input') as HTMLElement,
    );
    const option = async (title: string) =>
      (await screen.findByTitle(title)).closest('.ant-select-item-option') as HTMLElement;
    expect(await option('图片')).toHaveClass('ant-select-item-option-disabled');
    expect(await option('视频')).toHaveClass('ant-select-item-option-disabled');
    expect(await option('价目表')).not.toHaveClass('ant-select-item-option-disabled');
    // A new version of a video would go through the media upload as well: not offered either.
    await userEvent.keyboard('{Escape}');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await userEvent.click(await screen.findByText('门店视频'));
    expect(await screen.findByTestId('version-media-only')).toBeInTheDocument();
    expect(screen.queryByTestId('upload-form')).not.toBeInTheDocument();
  }, 60_000);
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WebhookView } from '../../client/types.gen';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { toWebhookChange, WebhooksTab, webhookFormOf } from './WebhooksTab';

const ROBOT: WebhookView = {
  id: 'w1',
  kind: 'feishu',
  url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
  has_secret: true,
  kinds: ['task_overdue'],
  enabled: true,
  last_posted_at: null,
  last_error: null,
  created_at: '2026-12-01T08:00:00Z',
};

describe('toWebhookChange', () => {
  it('sends nothing for an untouched robot, and never its secret', () => {
    const values = webhookFormOf(ROBOT);
    expect(values.secret).toBe('');
    expect(toWebhookChange(ROBOT, values)).toEqual({});
  });

  it('sends only the fields that changed', () => {
    const values = webhookFormOf(ROBOT);
    expect(
      toWebhookChange(ROBOT, { ...values, url: 'https://example.com/hook', kinds: ['task_overdue', 'x'] }),
    ).toEqual({ url: 'https://example.com/hook', kinds: ['task_overdue', 'x'] });
    expect(toWebhookChange(ROBOT, { ...values, enabled: false })).toEqual({ enabled: false });
  });

  it('replaces the secret when one is typed, removes it only when asked', () => {
    const values = webhookFormOf(ROBOT);
    expect(toWebhookChange(ROBOT, { ...values, secret: 'new-secret' })).toEqual({ secret: 'new-secret' });
    expect(toWebhookChange(ROBOT, { ...values, clearSecret: true })).toEqual({ secret: '' });
    const bare = { ...ROBOT, has_secret: false };
    expect(toWebhookChange(bare, { ...webhookFormOf(bare), clearSecret: true })).toEqual({});
  });
});

describe('WebhooksTab', () => {
  it('edits a robot: the form opens without its secret and the PATCH carries the changes only', {
    timeout: 60_000,
  }, async () => {
    setToken('tok');
    let current = ROBOT;
    const bff = fakeBff({
      'GET /api/v1/notification-webhooks': () => json([current]),
      'PATCH /api/v1/notification-webhooks/w1': async (request) => {
        current = { ...current, ...((await request.json()) as Partial<WebhookView>) };
        return json(current);
      },
    });
    renderAt('/', [{ path: '/', element: <WebhooksTab /> }]);
    fireEvent.click(await screen.findByTestId('webhook-edit-w1'));
    const form = await screen.findByTestId('webhook-form');
    const url = within(form).getByTestId('webhook-url');
    expect(url).toHaveValue(ROBOT.url);
    expect(within(form).getByTestId('webhook-secret')).toHaveValue('');

    fireEvent.change(url, { target: { value: 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz' } });
    fireEvent.change(within(form).getByTestId('webhook-secret'), { target: { value: 'fresh-secret' } });
    fireEvent.click(screen.getByTestId('form-save'));

    await waitFor(() => expect(bff.requests.some((r) => r.method === 'PATCH')).toBe(true));
    const patch = bff.requests.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz',
      secret: 'fresh-secret',
    });
    expect(await screen.findByText('https://open.feishu.cn/open-apis/bot/v2/hook/xyz')).toBeInTheDocument();
  });
});

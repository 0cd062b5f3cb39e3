import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetUnread } from '../../features/inbox/unread';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { InboxPage } from './index';

const ME = { user_id: 'agent-1', tenant_id: 't', username: 'agnes', role: 'agent' };
const CUSTOMER = { id: 'cu1', open_id: 'open-1', nickname: '小李' };

function conversation(state: string, owner: string | null) {
  return {
    id: 'cv1',
    account_id: 'a1',
    customer: CUSTOMER,
    handoff_reason: state === 'waiting_human' ? '客户要求人工' : null,
    last_message_at: '2026-12-01T09:00:00Z',
    opened_at: '2026-12-01T08:00:00Z',
    owner_id: owner,
    paused_until: null,
    state,
  };
}

const MESSAGE = {
  id: 'm1',
  author: 'customer',
  author_user_id: null,
  created_at: '2026-12-01T09:00:00Z',
  decision: null,
  findings: [],
  msg_type: 'text',
  reason: null,
  status: 'received',
  suggestion_id: null,
  text: '你们几点开门？',
};

const SET = {
  set_id: 's1',
  conversation_id: 'cv1',
  based_on: 'm1',
  created_at: '2026-12-01T09:00:01Z',
  latest_customer_message: 'm1',
  stale: false,
  materials: [
    {
      material_id: 'mat1',
      library_id: 'l1',
      kind: 'price_sheet',
      title: '门店价目表',
      coverage: 0.6,
      why: '含“开门”“营业”',
      matched: [],
    },
  ],
  suggestions: [
    {
      id: 'sg1',
      label: '简洁直接',
      style: 'concise',
      text: '门店每天10:00-22:00营业。',
      cited: ['k1'],
      materials: ['mat1'],
    },
  ],
};

const CARD = {
  id: 'cu1',
  open_id: 'open-1',
  nickname: '小李',
  level: 'warm',
  score: 42,
  scores: { intent: 42 },
  tags: [],
  last_seen_at: '2026-12-01T09:00:00Z',
  explanation: [
    {
      event_id: 'e1',
      event_type: 'price_question',
      group: 'intent',
      points: 40,
      decayed: 42,
      occurred_at: 'x',
    },
  ],
  not_counted: [],
  rules_version: 1,
  events: [],
  crossings: [],
  leads: [
    {
      id: 'l1',
      customer_id: 'cu1',
      conversation_id: 'cv1',
      phone: '13800001234',
      wechat: null,
      name: null,
      source: 'message',
      consent: true,
      masked: false,
      created_at: '2026-12-01T09:00:00Z',
    },
  ],
};

describe('InboxPage', () => {
  beforeEach(() => resetUnread());

  it('lists conversations by state, takes one over and replies from an edited suggestion', async () => {
    setToken('tok');
    let state = conversation('waiting_human', null);
    const messages = [MESSAGE];
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/conversations': (request) => {
        const asked = new URL(request.url).searchParams.get('state');
        return json({ items: asked === state.state ? [state] : [], limit: 100, offset: 0 });
      },
      'GET /api/v1/conversations/cv1': () => json({ ...state, messages }),
      'POST /api/v1/conversations/cv1/takeover': () => {
        state = conversation('human', 'agent-1');
        return json(state);
      },
      'POST /api/v1/conversations/cv1/messages': async (request) => {
        const body = (await request.json()) as { text: string };
        messages.push({ ...MESSAGE, id: 'm2', author: 'agent', status: 'sent', text: body.text });
        return json({ message_id: 'm2', status: 'sent', reason: null }, 201);
      },
      'GET /api/v1/conversations/cv1/suggestions': () => json(SET),
      'GET /api/v1/customers/cu1': () => json(CARD),
      'GET /api/v1/customers/cu1/enrolments': () => json({ items: [], limit: 20 }),
      'GET /api/v1/tasks': () => json({ items: [], limit: 20, offset: 0 }),
    });
    const { router } = renderAt('/inbox', [
      { path: '/inbox', element: <InboxPage /> },
      { path: '/inbox/:conversationId', element: <InboxPage /> },
    ]);

    await userEvent.click(await screen.findByText('小李'));
    expect(router.state.location.pathname).toBe('/inbox/cv1');
    expect(await screen.findByText('你们几点开门？')).toBeInTheDocument();
    expect(screen.getByText('转人工原因: 客户要求人工')).toBeInTheDocument();
    const card = await screen.findByTestId('customer-card');
    expect(await within(card).findByTestId('customer-score')).toHaveTextContent('42.0');
    expect(within(card).getByText('问价格')).toBeInTheDocument(); // the scoring event by its name, not its code
    expect(within(card).getByText('手机 13800001234')).toBeInTheDocument();
    expect(screen.getByTestId('reply-text')).toBeDisabled();

    await userEvent.click(screen.getByTestId('takeover'));
    await waitFor(() => expect(screen.getByTestId('conversation-state')).toHaveTextContent('人工中'));
    expect(await screen.findByText('门店价目表', { selector: 'strong' })).toBeInTheDocument();

    await userEvent.click(await screen.findByTestId('insert-suggestion'));
    const box = screen.getByTestId('reply-text');
    expect(box).toHaveValue('门店每天10:00-22:00营业。');
    await userEvent.type(box, ' OK');
    await userEvent.click(screen.getByTestId('reply-send'));
    expect(await screen.findByText('门店每天10:00-22:00营业。 OK')).toBeInTheDocument();
    const sent = bff.requests.find((r) => r.method === 'POST' && r.url.endsWith('/messages'));
    expect(await sent?.json()).toEqual({ text: '门店每天10:00-22:00营业。 OK', suggestion_id: 'sg1' });
    await waitFor(() => expect(screen.getByTestId('reply-text')).toHaveValue(''));
  }, 90_000);

  it('says when a state has no conversations, and shows a load error with a retry', async () => {
    setToken('tok');
    let fail = true;
    fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/conversations': () =>
        fail ? json({ detail: 'database unreachable' }, 503) : json({ items: [], limit: 100, offset: 0 }),
    });
    renderAt('/inbox?state=closed', [{ path: '/inbox', element: <InboxPage /> }]);
    const error = await screen.findByTestId('load-error');
    expect(error).toHaveTextContent('database unreachable');
    fail = false;
    await userEvent.click(within(error).getByRole('button'));
    expect(await screen.findByText('该状态下暂无会话')).toBeInTheDocument();
  });

  it('names a colleague who has the conversation, and asks before taking it or releasing it from them', async () => {
    setToken('tok');
    let state = conversation('human', 'agent-2');
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => json(ME),
      'GET /api/v1/conversations': () => json({ items: [state], limit: 100, offset: 0 }),
      'GET /api/v1/conversations/cv1': () => json({ ...state, messages: [MESSAGE] }),
      'GET /api/v1/users/directory': () =>
        json([
          { id: 'agent-1', display_name: 'agnes', role: 'agent', active: true },
          { id: 'agent-2', display_name: '小周', role: 'agent', active: true },
        ]),
      'POST /api/v1/conversations/cv1/release': () => {
        state = conversation('bot', null);
        return json(state);
      },
      'GET /api/v1/conversations/cv1/suggestions': () => json({ detail: 'none yet' }, 404),
      'GET /api/v1/customers/cu1': () => json(CARD),
      'GET /api/v1/customers/cu1/enrolments': () => json({ items: [], limit: 20 }),
      'GET /api/v1/tasks': () => json({ items: [], limit: 20, offset: 0 }),
    });
    renderAt('/inbox/cv1', [{ path: '/inbox/:conversationId', element: <InboxPage /> }]);
    expect(await screen.findByText('负责人: 小周')).toBeInTheDocument();
    const posted = () => bff.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname);

    // Taking over asks first, by the colleague's name; saying no leaves it with them.
    await userEvent.click(screen.getByTestId('takeover'));
    expect(await screen.findByText(/正由 小周 处理。接管后/)).toBeInTheDocument();
    expect(posted()).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: /取\s*消/ }));

    // Releasing their conversation asks too, and happens once confirmed.
    await userEvent.click(screen.getByTestId('release'));
    expect(await screen.findByText(/正由 小周 处理。确定替对方交回机器人/)).toBeInTheDocument();
    expect(posted()).toEqual([]);
    await userEvent.click(await screen.findByTestId('release-confirm'));
    await waitFor(() => expect(posted()).toEqual(['/api/v1/conversations/cv1/release']));
    await waitFor(() => expect(screen.getByTestId('conversation-state')).toHaveTextContent('机器人'));
  }, 90_000);
});

import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, List, Row, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  conversationsGetConversationOptions,
  conversationsListConversationsOptions,
} from '../../client/@tanstack/react-query.gen';
import type { ConversationView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { CustomerCard } from '../../features/customers/CustomerCard';
import { time } from '../../features/customers/labels';
import { ConversationPane } from '../../features/inbox/ConversationPane';
import { isState, STATE_COLORS, STATES, stateLabel } from '../../features/inbox/labels';
import { askNotifications, canAskNotifications, useInboxOpen } from '../../features/inbox/unread';
import { useLiveStatus } from '../../lib/useLive';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.inbox;
const LIVE_COLORS = { live: 'green', polling: 'orange', connecting: 'default', ended: 'red' } as const;

/**
 * The agent's inbox: conversations by state (kept fresh by the live stream, polling when it is down), one
 * conversation's transcript with takeover and the reply box, and its customer's card.
 */
export function InboxPage() {
  useInboxOpen();
  const { conversationId } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const stateParam = params.get('state');
  const state = isState(stateParam) ? stateParam : 'waiting_human';
  const list = useQuery({
    ...conversationsListConversationsOptions({ query: { state, limit: 100 } }),
    placeholderData: (previous) => previous,
  });
  // The same query as the conversation pane's: one request, and the card follows the conversation across states.
  const detail = useQuery({
    ...conversationsGetConversationOptions({ path: { conversation_id: conversationId ?? '' } }),
    enabled: conversationId !== undefined,
  });
  const cardCustomer = detail.data?.customer.id;
  const live = useLiveStatus();
  const [askable, setAskable] = useState(canAskNotifications());

  const open = (c: ConversationView) => {
    navigate(`/inbox/${c.id}?state=${state}`);
  };

  return (
    <RoleGate page="inbox">
      <Card
        title={t.title}
        extra={
          <Space>
            {askable && (
              <Button
                size="small"
                onClick={() => void askNotifications().finally(() => setAskable(canAskNotifications()))}
                data-testid="notify-enable"
              >
                {t.notifyEnable}
              </Button>
            )}
            <Tag color={LIVE_COLORS[live]} data-testid="live-status">
              {t[live]}
            </Tag>
          </Space>
        }
      >
        <Row gutter={16}>
          <Col xs={24} lg={7}>
            <Tabs
              size="small"
              activeKey={state}
              onChange={(key) => navigate(`/inbox?state=${key}`)}
              items={STATES.map((s) => ({ key: s, label: stateLabel(s) }))}
              data-testid="inbox-states"
            />
            <QueryState
              isPending={list.isPending}
              error={list.error}
              hasData={list.data !== undefined}
              isEmpty={list.data?.items.length === 0}
              emptyText={t.empty}
              onRetry={() => list.refetch()}
            >
              <List
                size="small"
                dataSource={list.data?.items}
                data-testid="conversation-list"
                renderItem={(c) => (
                  <List.Item
                    key={c.id}
                    onClick={() => open(c)}
                    style={{
                      cursor: 'pointer',
                      background: c.id === conversationId ? '#e6f4ff' : undefined,
                      paddingInline: 8,
                    }}
                    data-testid="conversation-item"
                    data-open-id={c.customer.open_id}
                  >
                    <Space direction="vertical" size={0} style={{ width: '100%' }}>
                      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                        <Typography.Text strong ellipsis>
                          {c.customer.nickname ?? c.customer.open_id}
                        </Typography.Text>
                        <Tag color={STATE_COLORS[c.state]}>{stateLabel(c.state)}</Tag>
                      </Space>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {time(c.last_message_at)}
                      </Typography.Text>
                      {c.handoff_reason && (
                        <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }}>
                          {c.handoff_reason}
                        </Typography.Text>
                      )}
                    </Space>
                  </List.Item>
                )}
              />
            </QueryState>
          </Col>
          <Col xs={24} lg={11}>
            {conversationId ? (
              <ConversationPane key={conversationId} conversationId={conversationId} />
            ) : (
              <Empty description={t.pick} />
            )}
          </Col>
          <Col xs={24} lg={6}>
            {conversationId && cardCustomer && <CustomerCard customerId={cardCustomer} />}
          </Col>
        </Row>
      </Card>
    </RoleGate>
  );
}

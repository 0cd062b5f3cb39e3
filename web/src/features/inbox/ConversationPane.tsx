import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import { Alert, App, Button, Card, Empty, Input, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import {
  conversationsGetConversationOptions,
  conversationsReleaseMutation,
  conversationsSendMessageMutation,
  conversationsTakeOverMutation,
} from '../../client/@tanstack/react-query.gen';
import type { ConversationDetail, MessageView, StoredSuggestion } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { useUnsavedPrompt } from '../../components/useUnsavedPrompt';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { useMe } from '../auth/useMe';
import { useTeamNames } from '../auth/useTeamNames';
import { time } from '../customers/labels';
import { authorLabel, messageStatusLabel, STATE_COLORS, stateLabel } from './labels';
import { Suggestions } from './Suggestions';

const t = zhCN.inbox;

/** Invalidates every conversation list and this conversation's detail after a change of hands or a reply. */
function useRefreshConversations() {
  const queryClient = useQueryClient();
  return () =>
    queryClient.invalidateQueries({
      predicate: (q) => {
        const id = (q.queryKey[0] as { _id?: string } | undefined)?._id;
        return id === 'conversationsListConversations' || id === 'conversationsGetConversation';
      },
    });
}

/** One conversation: who has it, the transcript (kept fresh by the live stream), takeover and the reply box. */
export function ConversationPane({ conversationId }: { conversationId: string }) {
  const detail = useQuery(conversationsGetConversationOptions({ path: { conversation_id: conversationId } }));
  return (
    <QueryState
      isPending={detail.isPending}
      error={detail.error}
      hasData={detail.data !== undefined}
      onRetry={() => detail.refetch()}
    >
      {detail.data && <Conversation conversation={detail.data} />}
    </QueryState>
  );
}

function Conversation({ conversation }: { conversation: ConversationDetail }) {
  const { message } = App.useApp();
  const me = useMe();
  const refresh = useRefreshConversations();
  const path = { conversation_id: conversation.id };
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const takeover = useMutation({
    ...conversationsTakeOverMutation(),
    onSuccess: () => {
      message.success(t.takenOver);
      return refresh();
    },
    onError,
  });
  const release = useMutation({
    ...conversationsReleaseMutation(),
    onSuccess: () => {
      message.success(t.released);
      return refresh();
    },
    onError,
  });
  const mine = conversation.owner_id !== null && conversation.owner_id === me.data?.user_id;
  const othersId = mine ? null : conversation.owner_id;
  const nameOf = useTeamNames(othersId !== null);
  const owner = othersId ? nameOf(othersId) : null;
  const name = conversation.customer.nickname ?? conversation.customer.open_id;
  const takeOver = () => takeover.mutate({ path });
  const giveBack = () => release.mutate({ path });

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        size="small"
        title={
          <Space>
            <span data-testid="conversation-name">{name}</span>
            <Tag color={STATE_COLORS[conversation.state]} data-testid="conversation-state">
              {stateLabel(conversation.state)}
            </Tag>
            {conversation.owner_id && (
              <Typography.Text type="secondary" data-testid="conversation-owner">
                {`${t.owner}: ${owner ?? t.ownerMe}`}
              </Typography.Text>
            )}
          </Space>
        }
        extra={
          <Space>
            {/* Taking over from a colleague, or releasing what is not one's own, asks first: it takes the
                conversation out of their hands. */}
            {conversation.state !== 'human' || !mine ? (
              <Popconfirm
                title={t.confirmTakeover(owner ?? '')}
                disabled={owner === null}
                onConfirm={takeOver}
                okButtonProps={{ 'data-testid': 'takeover-confirm' } as ButtonProps}
              >
                <Button
                  type="primary"
                  loading={takeover.isPending}
                  onClick={owner === null ? takeOver : undefined}
                  data-testid="takeover"
                >
                  {t.takeover}
                </Button>
              </Popconfirm>
            ) : null}
            {conversation.state === 'human' || conversation.state === 'waiting_human' ? (
              <Popconfirm
                title={owner === null ? t.confirmReleaseUnowned : t.confirmRelease(owner)}
                disabled={mine}
                onConfirm={giveBack}
                okButtonProps={{ 'data-testid': 'release-confirm' } as ButtonProps}
              >
                <Button
                  loading={release.isPending}
                  onClick={mine ? giveBack : undefined}
                  data-testid="release"
                >
                  {t.release}
                </Button>
              </Popconfirm>
            ) : null}
          </Space>
        }
      >
        {conversation.handoff_reason && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={`${t.handoffReason}: ${conversation.handoff_reason}`}
          />
        )}
        <Transcript messages={conversation.messages} />
      </Card>
      <Reply conversation={conversation} mine={mine} />
    </Space>
  );
}

function Transcript({ messages }: { messages: MessageView[] }) {
  const end = useRef<HTMLDivElement>(null);
  const last = messages.at(-1)?.id;
  useEffect(() => {
    if (last) end.current?.scrollIntoView?.({ block: 'end' });
  }, [last]);
  if (messages.length === 0) return <Empty description={t.noMessages} />;
  return (
    <div style={{ maxHeight: 420, overflowY: 'auto' }} data-testid="transcript">
      <List
        size="small"
        dataSource={messages}
        renderItem={(m) => {
          const incoming = m.author === 'customer';
          return (
            <List.Item key={m.id} style={{ justifyContent: incoming ? 'flex-start' : 'flex-end' }}>
              <div style={{ maxWidth: '80%', textAlign: incoming ? 'left' : 'right' }} data-testid="message">
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {`${authorLabel(m.author)} · ${time(m.created_at)}`}
                  {m.status !== 'received' && m.status !== 'sent' ? ` · ${messageStatusLabel(m.status)}` : ''}
                </Typography.Text>
                <div
                  style={{
                    background: incoming ? '#f5f5f5' : '#e6f4ff',
                    borderRadius: 8,
                    padding: '6px 10px',
                    whiteSpace: 'pre-wrap',
                  }}
                >
                  {m.text || `[${m.msg_type}]`}
                </div>
                {m.reason && (
                  <Typography.Text type="warning" style={{ fontSize: 12 }}>
                    {m.reason}
                  </Typography.Text>
                )}
              </div>
            </List.Item>
          );
        }}
      />
      <div ref={end} />
    </div>
  );
}

function Reply({ conversation, mine }: { conversation: ConversationDetail; mine: boolean }) {
  const { message } = App.useApp();
  const refresh = useRefreshConversations();
  const [text, setText] = useState('');
  const [suggestionId, setSuggestionId] = useState<string | null>(null);
  useUnsavedPrompt(text.trim() !== '', t.leaveUnsent);
  const send = useMutation({
    ...conversationsSendMessageMutation(),
    onSuccess: (sent) => {
      if (sent.status === 'sent') {
        message.success(t.sent);
        setText('');
        setSuggestionId(null);
      } else {
        message.warning(`${t.notSent}: ${sent.reason ?? messageStatusLabel(sent.status)}`);
      }
      return refresh();
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });
  const insert = (suggestion: StoredSuggestion) => {
    setText(suggestion.text);
    setSuggestionId(suggestion.id);
  };
  const submit = () =>
    send.mutate({
      path: { conversation_id: conversation.id },
      body: { text: text.trim(), suggestion_id: suggestionId },
    });

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small">
        {!mine && (
          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
            {t.takeoverFirst}
          </Typography.Text>
        )}
        <Input.TextArea
          value={text}
          onChange={(event) => setText(event.target.value)}
          autoSize={{ minRows: 3, maxRows: 8 }}
          placeholder={t.replyPlaceholder}
          maxLength={1000}
          disabled={!mine}
          data-testid="reply-text"
        />
        <div style={{ marginTop: 8, textAlign: 'right' }}>
          <Button
            type="primary"
            disabled={!mine || text.trim() === ''}
            loading={send.isPending}
            onClick={submit}
            data-testid="reply-send"
          >
            {t.send}
          </Button>
        </div>
      </Card>
      <Suggestions conversationId={conversation.id} onInsert={insert} />
    </Space>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import {
  suggestionsLatestSuggestionsOptions,
  suggestionsLatestSuggestionsQueryKey,
  workflowsGetWorkflowOptions,
} from '../../client/@tanstack/react-query.gen';
import { suggestionsSuggestReplies } from '../../client/sdk.gen';
import type { MaterialCitation, StoredSuggestion } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.inbox;
/** A workflow that has ended without completing: its set will never come. */
const ENDED = ['failed', 'canceled', 'terminated', 'timed_out'];

/** A set being written (202): the latest set before it, and the workflow writing it. */
interface Waiting {
  after: string;
  workflowId: string;
}

/**
 * The latest reply suggestions for a conversation: insert one into the reply box (then edit it), see what
 * knowledge it rests on and the materials the customer's words match; ask for a new set.
 */
export function Suggestions({
  conversationId,
  onInsert,
  pollMs = 2000,
  waitLimitMs = 120_000,
}: {
  conversationId: string;
  onInsert: (suggestion: StoredSuggestion) => void;
  /** How often a set still being written is looked for. */
  pollMs?: number;
  /** How long it is waited for before the wait is called failed. */
  waitLimitMs?: number;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  // A set still being written (202) is polled for until a newer one is there, its workflow ended without
  // one, or the wait is too long; then the failure is shown with a retry instead of polling on.
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [failed, setFailed] = useState(false);
  const options = suggestionsLatestSuggestionsOptions({ path: { conversation_id: conversationId } });
  const latest = useQuery({
    ...options,
    retry: false,
    refetchInterval: (query) =>
      waiting !== null && (query.state.data?.set_id ?? '') === waiting.after ? pollMs : false,
  });
  const run = useQuery({
    ...workflowsGetWorkflowOptions({ path: { workflow_id: waiting?.workflowId ?? '' } }),
    enabled: waiting !== null,
    retry: false,
    refetchInterval: pollMs,
  });
  const arrived = waiting !== null && (latest.data?.set_id ?? '') !== waiting.after;
  const ended = waiting !== null && ENDED.includes(run.data?.status ?? '');
  useEffect(() => {
    if (arrived) setWaiting(null);
    else if (ended) {
      setWaiting(null);
      setFailed(true);
    }
  }, [arrived, ended]);
  useEffect(() => {
    if (waiting === null) return;
    const timer = setTimeout(() => {
      setWaiting(null);
      setFailed(true);
    }, waitLimitMs);
    return () => clearTimeout(timer);
  }, [waiting, waitLimitMs]);
  const none = isApiError(latest.error, 404);
  const ask = useMutation({
    mutationFn: async () =>
      (
        await suggestionsSuggestReplies({
          path: { conversation_id: conversationId },
          headers: { 'idempotency-key': crypto.randomUUID() },
          throwOnError: true,
        })
      ).data,
    onMutate: () => setFailed(false),
    onSuccess: (answer) => {
      if (answer && 'status_url' in answer) {
        setWaiting({ after: latest.data?.set_id ?? '', workflowId: answer.workflow_id });
      }
      return queryClient.invalidateQueries({
        queryKey: suggestionsLatestSuggestionsQueryKey({ path: { conversation_id: conversationId } }),
      });
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });
  const set = latest.data;
  const materials = new Map((set?.materials ?? []).map((m) => [m.material_id, m]));

  return (
    <Card
      size="small"
      title={t.suggestions}
      data-testid="suggestions"
      extra={
        <Button
          size="small"
          loading={ask.isPending || waiting !== null}
          onClick={() => ask.mutate()}
          data-testid="suggest"
        >
          {set ? t.suggestAgain : t.suggest}
        </Button>
      }
    >
      {waiting !== null && (
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
          {t.suggesting}
        </Typography.Text>
      )}
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          message={t.suggestFailed}
          data-testid="suggest-failed"
          action={
            <Button size="small" onClick={() => ask.mutate()} data-testid="suggest-retry">
              {zhCN.common.retry}
            </Button>
          }
        />
      )}
      <QueryState
        isPending={latest.isPending}
        error={none ? null : latest.error}
        hasData={latest.data !== undefined}
        isEmpty={none || !set || set.suggestions.length === 0}
        emptyText={t.noSuggestions}
        onRetry={() => latest.refetch()}
      >
        {set && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {set.stale && <Typography.Text type="warning">{t.stale}</Typography.Text>}
            <List
              size="small"
              dataSource={set.suggestions}
              renderItem={(s) => (
                <List.Item
                  key={s.id}
                  data-testid="suggestion"
                  actions={[
                    <Button
                      key="insert"
                      size="small"
                      type="link"
                      onClick={() => onInsert(s)}
                      data-testid="insert-suggestion"
                    >
                      {t.insert}
                    </Button>,
                  ]}
                >
                  <Space direction="vertical" size={2}>
                    <Space size={4} wrap>
                      <Tag>{s.label}</Tag>
                      {s.holding && <Tag color="orange">{t.holding}</Tag>}
                      {(s.findings ?? []).map((f) => (
                        <Tag key={f} color="red">
                          {f}
                        </Tag>
                      ))}
                    </Space>
                    <Typography.Paragraph style={{ marginBottom: 0 }}>{s.text}</Typography.Paragraph>
                    {(s.cited ?? []).length > 0 && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {`${t.cited}: ${(s.cited ?? []).join(', ')}`}
                      </Typography.Text>
                    )}
                    {(s.materials ?? []).map((id) => (
                      <Tag key={id} color="geekblue">
                        {materials.get(id)?.title ?? id}
                      </Tag>
                    ))}
                  </Space>
                </List.Item>
              )}
            />
            <Materials items={set.materials ?? []} />
          </Space>
        )}
      </QueryState>
    </Card>
  );
}

function Materials({ items }: { items: MaterialCitation[] }) {
  if (items.length === 0) return null;
  return (
    <div data-testid="suggestion-materials">
      <Typography.Text type="secondary">{t.materials}</Typography.Text>
      <List
        size="small"
        dataSource={items}
        renderItem={(m) => (
          <List.Item key={m.material_id}>
            <Space direction="vertical" size={0}>
              <Typography.Text strong>{m.title}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.why}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

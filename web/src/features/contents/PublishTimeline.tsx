import { useQuery } from '@tanstack/react-query';
import { Card, Space, Tag, Timeline, Typography } from 'antd';
import { publishListPublishesOptions } from '../../client/@tanstack/react-query.gen';
import type { PublishView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { fmt } from '../../lib/format';
import type { LiveStatus } from '../../lib/live';
import { useLiveStatus } from '../../lib/useLive';
import { zhCN } from '../../locales/zh-CN';
import { formatTime, publishEventLabel, statusColor, statusLabel } from './labels';

const t = zhCN.contents;
/** Where a publish stops changing on its own (models/publish.py FINAL_STATUSES). */
export const FINAL_STATUSES = new Set(['published', 'rejected', 'failed', 'unconfirmed']);
/** How often a moving publish is read again while the live stream is not connected. */
export const FALLBACK_POLL_MS = 10_000;

export function stillMoving(publishes: readonly Pick<PublishView, 'status'>[] | undefined): boolean {
  return (publishes ?? []).some((p) => !FINAL_STATUSES.has(p.status));
}

/** Polling only stands in for the stream: none while it is live or once every publish is final. */
export function pollInterval(
  live: LiveStatus,
  publishes: readonly Pick<PublishView, 'status'>[] | undefined,
): number | false {
  return live !== 'live' && stillMoving(publishes) ? FALLBACK_POLL_MS : false;
}

/**
 * Each account's publish of this content with every state it went through. The tenant's live stream
 * refetches it on each publish event naming this content (lib/live.ts); while the stream is down it is
 * polled until all are final.
 */
export function PublishTimeline({ contentId, names }: { contentId: string; names: Map<string, string> }) {
  const live = useLiveStatus();
  const publishes = useQuery({
    ...publishListPublishesOptions({ query: { content_id: contentId } }),
    refetchInterval: (query) => pollInterval(live, query.state.data),
  });
  return (
    <QueryState
      isPending={publishes.isPending}
      error={publishes.error}
      hasData={publishes.data !== undefined}
      isEmpty={publishes.data?.length === 0}
      emptyText={t.noPublishes}
      onRetry={() => publishes.refetch()}
    >
      <Space direction="vertical" style={{ width: '100%' }} data-testid="publishes">
        {pollInterval(live, publishes.data) !== false && (
          <Typography.Text type="secondary" data-testid="publish-polling">
            {t.polling}
          </Typography.Text>
        )}
        {publishes.data?.map((p) => (
          <Card
            key={p.id}
            size="small"
            data-testid="publish-row"
            title={
              <Space>
                {names.get(p.account_id) ?? p.account_id}
                <Typography.Text type="secondary">v{p.content_version}</Typography.Text>
                <Tag color={statusColor(p.status)} data-testid="publish-status">
                  {statusLabel(p.status)}
                </Tag>
              </Space>
            }
            extra={
              p.share_url ? (
                <a href={p.share_url} target="_blank" rel="noreferrer">
                  {t.openShare}
                </a>
              ) : null
            }
          >
            {p.status_reason && <Typography.Paragraph type="danger">{p.status_reason}</Typography.Paragraph>}
            {p.item_id && <Typography.Paragraph>{fmt(t.itemId, { id: p.item_id })}</Typography.Paragraph>}
            <Timeline
              pending={FINAL_STATUSES.has(p.status) ? undefined : statusLabel(p.status)}
              items={p.history.map((entry, index) => ({
                key: `${String(entry.seq ?? index)}`,
                color: statusColor(String(entry.status ?? '')) === 'error' ? 'red' : 'blue',
                children: (
                  <span>
                    {statusLabel(String(entry.status ?? ''))}
                    {entry.event ? ` · ${publishEventLabel(String(entry.event))}` : ''}
                    {entry.reason ? ` · ${String(entry.reason)}` : ''}
                    <Typography.Text type="secondary"> {formatTime(entry.at)}</Typography.Text>
                  </span>
                ),
              }))}
            />
          </Card>
        ))}
      </Space>
    </QueryState>
  );
}

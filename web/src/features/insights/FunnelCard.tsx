import { QuestionCircleOutlined } from '@ant-design/icons';
import { Alert, Card, Col, Row, Statistic, Table, Tabs, Tooltip } from 'antd';
import type { CustomerReview, FunnelCounts, FunnelRow } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';
import { duration, funnelStages, percent, yuan } from './funnel';

const t = zhCN.insights.performance;

interface Row_ {
  key: string;
  label: string;
  counts: FunnelCounts;
  unattributed?: boolean;
}

const columnsFor = (days: number) => [
  {
    title: '',
    dataIndex: 'label',
    render: (label: string, row: Row_) => (row.unattributed ? <UnattributedLabel days={days} /> : label),
  },
  ...(['views', 'private_messages', 'comments', 'leads', 'deals'] as const).map((key) => ({
    title: t.stages[key],
    key,
    align: 'right' as const,
    render: (_: unknown, row: Row_) => row.counts[key] ?? 0,
  })),
  {
    title: t.dealAmount,
    key: 'amount',
    align: 'right' as const,
    render: (_: unknown, row: Row_) => yuan(row.counts.deal_amount_fen),
  },
];

function UnattributedLabel({ days }: { days: number }) {
  return (
    <Tooltip title={t.unattributedHelp(days)}>
      <span data-testid="unattributed-row">
        {t.unattributed} <QuestionCircleOutlined />
      </span>
    </Tooltip>
  );
}

function rowsOf(list: FunnelRow[] | undefined, labelOf?: (row: FunnelRow) => string): Row_[] {
  return (list ?? []).map((row) => ({
    key: row.key,
    label: labelOf ? labelOf(row) : row.label || row.key,
    counts: row.counts,
  }));
}

/** The customer side of the review: the funnel, its breakdowns (the unattributed share beside the
 * accounts and items, explained), resolution, first response and lead conversion. */
export function FunnelCard({ review }: { review: CustomerReview }) {
  const stages = funnelStages(review.funnel);
  const unattributed: Row_ = {
    key: '__unattributed',
    label: t.unattributed,
    counts: review.unattributed,
    unattributed: true,
  };
  const breakdown = (rows: Row_[], withUnattributed: boolean) => (
    <Table<Row_>
      size="small"
      pagination={false}
      rowKey="key"
      columns={columnsFor(review.attribution_days)}
      dataSource={withUnattributed ? [...rows, unattributed] : rows}
      locale={{ emptyText: zhCN.common.empty }}
    />
  );
  return (
    <Card title={t.funnel} extra={t.funnelHelp} data-testid="funnel">
      <Row gutter={[16, 16]}>
        {stages.map((stage) => (
          <Col key={stage.key} xs={12} md={4}>
            <Statistic
              title={t.stages[stage.key]}
              value={stage.count}
              suffix={
                stage.rate === null ? undefined : (
                  <small style={{ fontSize: 12 }}>{percent(stage.rate)}</small>
                )
              }
              data-testid={`stage-${stage.key}`}
            />
          </Col>
        ))}
      </Row>
      <Alert
        style={{ margin: '16px 0' }}
        type="info"
        showIcon
        message={
          <Tooltip title={t.unattributedHelp(review.attribution_days)}>
            {t.unattributed}: {t.stages.private_messages} {review.unattributed.private_messages ?? 0} ·{' '}
            {t.stages.leads} {review.unattributed.leads ?? 0} · {t.stages.deals}{' '}
            {review.unattributed.deals ?? 0}
          </Tooltip>
        }
        description={t.unattributedHelp(review.attribution_days)}
        data-testid="unattributed"
      />
      <Tabs
        items={[
          { key: 'account', label: t.byAccount, children: breakdown(rowsOf(review.by_account), true) },
          { key: 'content', label: t.byContent, children: breakdown(rowsOf(review.by_content), true) },
          { key: 'journey', label: t.byJourney, children: breakdown(rowsOf(review.by_journey), false) },
          {
            key: 'agent',
            label: t.byAgent,
            children: breakdown(
              rowsOf(review.by_agent, (row) => (row.key === 'bot' ? t.bot : row.label || row.key)),
              false,
            ),
          },
        ]}
      />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} md={8}>
          <Card size="small" title={t.resolution}>
            <Statistic title={t.botRate} value={percent(review.resolution.bot_rate)} />
            {t.bot} {review.resolution.bot ?? 0} · {t.human} {review.resolution.human ?? 0}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title={t.firstResponse}>
            <Statistic title={t.slaHitRate} value={percent(review.first_response.sla_hit_rate)} />
            {t.p50} {duration(review.first_response.p50_seconds)} · {t.p90}{' '}
            {duration(review.first_response.p90_seconds)}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title={t.leadConversion}>
            <Table
              size="small"
              pagination={false}
              rowKey="source"
              dataSource={review.lead_conversion}
              columns={[
                { title: t.source, dataIndex: 'source' },
                { title: t.stages.leads, dataIndex: 'leads', align: 'right' },
                { title: t.stages.deals, dataIndex: 'deals', align: 'right' },
                { title: t.conversionRate, dataIndex: 'conversion_rate', align: 'right', render: percent },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Card>
  );
}

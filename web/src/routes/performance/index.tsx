import { useQuery } from '@tanstack/react-query';
import {
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  dashboardDashboardOptions,
  douyinAccountsListAccountsOptions,
  metricsAccountSeriesOptions,
  metricsItemSeriesOptions,
} from '../../client/@tanstack/react-query.gen';
import type { Dashboard, ReplicationReview, TopItem, VariantPerformance } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { formatTime, KIND_OPTIONS, kindLabel, statusLabel } from '../../features/contents/labels';
import { accountChart, itemChart, periodChart } from '../../features/insights/charts';
import { EChart } from '../../features/insights/EChart';
import { FunnelCard } from '../../features/insights/FunnelCard';
import { percent } from '../../features/insights/funnel';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.insights.performance;

/** Account and item metrics, the review dashboard (content side and customer funnel) and the
 * replications with their variants; filters, tab and chosen item live in the address. */
export function PerformancePage() {
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const accountId = params.get('account') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const period = params.get('period') === 'week' ? 'week' : 'day';
  const tab = params.get('tab') ?? 'dashboard';
  const item = params.get('item') ?? undefined;

  const set = (values: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(values)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  const accounts = useQuery(douyinAccountsListAccountsOptions());
  const board = useQuery({
    ...dashboardDashboardOptions({ query: { from, to, account_id: accountId, kind, period } }),
    placeholderData: (previous) => previous,
  });
  const accountName = useMemo(() => {
    const names = new Map((accounts.data ?? []).map((a) => [a.id, a.nickname || a.open_id]));
    return (id: string) => names.get(id) ?? id;
  }, [accounts.data]);

  return (
    <RoleGate page="insights.performance">
      <Card title={t.title} data-testid="performance">
        <Space style={{ marginBottom: 16 }} wrap>
          <DatePicker.RangePicker
            value={from && to ? [dayjs(from), dayjs(to)] : null}
            onChange={(range) =>
              set({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })
            }
            aria-label={t.range}
          />
          <Select
            allowClear
            placeholder={t.allAccounts}
            value={accountId}
            loading={accounts.isPending}
            options={(accounts.data ?? []).map((a) => ({ value: a.id, label: a.nickname || a.open_id }))}
            onChange={(value) => set({ account: value })}
            style={{ width: 180 }}
            data-testid="filter-account"
          />
          <Select
            allowClear
            placeholder={t.allKinds}
            value={kind}
            options={KIND_OPTIONS}
            onChange={(value) => set({ kind: value })}
            style={{ width: 150 }}
          />
          <Select
            value={period}
            options={[
              { value: 'day', label: t.day },
              { value: 'week', label: t.week },
            ]}
            onChange={(value) => set({ period: value === 'day' ? undefined : value })}
            style={{ width: 100 }}
          />
        </Space>
        <QueryState
          isPending={board.isPending}
          error={board.error}
          hasData={board.data !== undefined}
          onRetry={() => board.refetch()}
        >
          {board.data && (
            <Tabs
              activeKey={tab}
              onChange={(key) => set({ tab: key === 'dashboard' ? undefined : key })}
              items={[
                {
                  key: 'dashboard',
                  label: t.tabDashboard,
                  children: (
                    <DashboardView
                      board={board.data}
                      accountName={accountName}
                      onItem={(id) => set({ tab: 'metrics', item: id })}
                    />
                  ),
                },
                {
                  key: 'metrics',
                  label: t.tabMetrics,
                  children: (
                    <MetricsView
                      accountId={accountId}
                      accountsEmpty={accounts.data?.length === 0}
                      from={from}
                      to={to}
                      item={item}
                    />
                  ),
                },
                {
                  key: 'replications',
                  label: t.tabReplications,
                  children: <ReplicationsView rows={board.data.replications} accountName={accountName} />,
                },
              ]}
            />
          )}
        </QueryState>
      </Card>
    </RoleGate>
  );
}

function DashboardView({
  board,
  accountName,
  onItem,
}: {
  board: Dashboard;
  accountName: (id: string) => string;
  onItem: (itemId: string) => void;
}) {
  const totals = board.engagement.totals;
  const periodOption = useMemo(() => periodChart(board.engagement.by_period), [board.engagement.by_period]);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t.contentSide} size="small" data-testid="content-side">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}>
            <Statistic title={t.contentsTotal} value={board.contents_total} data-testid="contents-total" />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t.plays} value={totals.play ?? 0} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t.likes} value={totals.digg ?? 0} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t.comments} value={totals.comment ?? 0} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t.shares} value={totals.share ?? 0} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t.engagementRate} value={percent(totals.engagement_rate)} />
          </Col>
        </Row>
        <Space wrap style={{ margin: '12px 0' }}>
          <Typography.Text type="secondary">{t.publishes}:</Typography.Text>
          {Object.entries(board.publish_totals).map(([status, count]) => (
            <Tag key={status}>
              {statusLabel(status)} {count}
            </Tag>
          ))}
        </Space>
        {board.engagement.by_period.length > 0 ? (
          <EChart option={periodOption} label={t.engagementByPeriod} testId="period-chart" />
        ) : (
          <Empty description={zhCN.common.empty} />
        )}
        <Typography.Title level={5}>{t.topContents}</Typography.Title>
        <Table<TopItem>
          size="small"
          rowKey="item_id"
          pagination={false}
          dataSource={board.top_contents}
          columns={[
            {
              title: t.item,
              dataIndex: 'title',
              render: (title: string, row) => (
                <Typography.Link onClick={() => onItem(row.item_id)}>{title || row.item_id}</Typography.Link>
              ),
            },
            { title: t.account, dataIndex: 'account_id', render: accountName },
            { title: t.kind, dataIndex: 'content_kind', render: kindLabel },
            { title: t.plays, key: 'play', align: 'right', render: (_, row) => row.counts.play ?? 0 },
            { title: t.likes, key: 'digg', align: 'right', render: (_, row) => row.counts.digg ?? 0 },
            {
              title: t.engagementRate,
              key: 'rate',
              align: 'right',
              render: (_, row) => percent(row.counts.engagement_rate),
            },
          ]}
        />
      </Card>
      {board.customers ? (
        <FunnelCard review={board.customers} />
      ) : (
        <Card title={t.funnel}>
          <Empty description={t.noCustomers} />
        </Card>
      )}
    </Space>
  );
}

function MetricsView({
  accountId,
  accountsEmpty,
  from,
  to,
  item,
}: {
  accountId?: string;
  accountsEmpty: boolean;
  from?: string;
  to?: string;
  item?: string;
}) {
  const account = useQuery({
    ...metricsAccountSeriesOptions({ path: { account_id: accountId ?? '' }, query: { from, to } }),
    enabled: accountId !== undefined,
  });
  const series = useQuery({
    ...metricsItemSeriesOptions({ path: { item_id: item ?? '' } }),
    enabled: item !== undefined,
  });
  const accountOption = useMemo(() => accountChart(account.data?.points ?? []), [account.data]);
  const itemOption = useMemo(() => itemChart(series.data?.points ?? []), [series.data]);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t.accountSeries}>
        {accountId === undefined ? (
          <Empty description={accountsEmpty ? t.noAccounts : t.chooseAccount} />
        ) : (
          <QueryState
            isPending={account.isPending}
            error={account.error}
            hasData={account.data !== undefined}
            isEmpty={account.data?.points.length === 0}
            onRetry={() => account.refetch()}
          >
            <EChart option={accountOption} label={t.accountSeries} testId="account-chart" />
          </QueryState>
        )}
      </Card>
      <Card
        size="small"
        title={series.data ? `${t.itemSeries}: ${series.data.item.title || item}` : t.itemSeries}
      >
        {item === undefined ? (
          <Empty description={t.chooseItem} />
        ) : (
          <QueryState
            isPending={series.isPending}
            error={series.error}
            hasData={series.data !== undefined}
            isEmpty={series.data?.points.length === 0}
            onRetry={() => series.refetch()}
          >
            <EChart option={itemOption} label={t.itemSeries} testId="item-chart" />
          </QueryState>
        )}
      </Card>
    </Space>
  );
}

function ReplicationsView({
  rows,
  accountName,
}: {
  rows: ReplicationReview[];
  accountName: (id: string) => string;
}) {
  if (rows.length === 0) return <Empty description={t.noReplications} />;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="replications">
      <Typography.Text type="secondary">{t.replicationsHelp}</Typography.Text>
      {rows.map((row) => (
        <Card
          key={row.replication_id}
          size="small"
          title={
            <Space>
              <Tag color="magenta">
                {t.hitRatio} {row.hit_ratio === null ? '–' : `×${row.hit_ratio.toFixed(1)}`}
              </Tag>
              {accountName(row.account_id)}
              <Typography.Text type="secondary">{formatTime(row.created_at)}</Typography.Text>
            </Space>
          }
          extra={<Tag>{row.status}</Tag>}
        >
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Typography.Text strong>{t.source_}</Typography.Text>
              <div>
                {row.source_content_id ? (
                  <Link to={`/contents/${row.source_content_id}`}>
                    {row.source_title || row.source_item_id}
                  </Link>
                ) : (
                  row.source_title || row.source_item_id
                )}
              </div>
              <Typography.Text type="secondary">
                {t.plays} {row.source_counts.play ?? 0} · {t.likes} {row.source_counts.digg ?? 0}
              </Typography.Text>
            </Col>
            <Col xs={24} md={16}>
              <Typography.Text strong>{t.variants}</Typography.Text>
              <Table<VariantPerformance>
                size="small"
                rowKey="content_id"
                pagination={false}
                dataSource={row.variants}
                columns={[
                  {
                    title: t.item,
                    dataIndex: 'title',
                    render: (title: string, v) => (
                      <Link to={`/contents/${v.content_id}`}>{title || v.content_id}</Link>
                    ),
                  },
                  { title: t.status, dataIndex: 'status', render: statusLabel },
                  { title: t.publishedItems, dataIndex: 'published_items', align: 'right' },
                  { title: t.plays, key: 'play', align: 'right', render: (_, v) => v.counts.play ?? 0 },
                  { title: t.likes, key: 'digg', align: 'right', render: (_, v) => v.counts.digg ?? 0 },
                ]}
              />
            </Col>
          </Row>
        </Card>
      ))}
    </Space>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Select, Table, Tag } from 'antd';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { customersListCustomersOptions } from '../../client/@tanstack/react-query.gen';
import type { CustomerSummary, CustomersListCustomersData } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { CustomerCard } from '../../features/customers/CustomerCard';
import { LEVEL_COLORS, levelLabel, time } from '../../features/customers/labels';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.customers;
const PAGE_SIZE = 20;
type Level = NonNullable<NonNullable<CustomersListCustomersData['query']>['level']>;

/** The tenant's customers, latest seen first, by level; the selected one's card beside the list. */
export function CustomersPage() {
  const { customerId } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const levelParam = params.get('level');
  const level = levelParam && levelParam in t.levels ? (levelParam as Level) : undefined;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const list = useQuery({
    ...customersListCustomersOptions({ query: { level, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: (previous) => previous,
  });
  const search = params.toString() ? `?${params}` : '';

  return (
    <RoleGate page="customers.list">
      <Row gutter={16}>
        <Col xs={24} lg={customerId ? 15 : 24}>
          <Card
            title={t.customersTitle}
            extra={
              <Select
                allowClear
                placeholder={t.allLevels}
                value={level}
                style={{ width: 140 }}
                options={Object.entries(t.levels).map(([value, label]) => ({ value, label }))}
                onChange={(value?: string) => {
                  const next = new URLSearchParams(params);
                  if (value) next.set('level', value);
                  else next.delete('level');
                  next.delete('page');
                  setParams(next);
                }}
                data-testid="filter-level"
              />
            }
          >
            <QueryState
              isPending={list.isPending}
              error={list.error}
              hasData={list.data !== undefined}
              isEmpty={list.data?.total === 0}
              emptyText={t.empty}
              onRetry={() => list.refetch()}
            >
              <Table<CustomerSummary>
                rowKey="id"
                size="small"
                loading={list.isFetching}
                dataSource={list.data?.items}
                onRow={(row) => ({
                  onClick: () => navigate(`/customers/${row.id}${search}`),
                  style: { cursor: 'pointer', background: row.id === customerId ? '#e6f4ff' : undefined },
                })}
                pagination={{
                  current: page,
                  pageSize: PAGE_SIZE,
                  total: list.data?.total,
                  showSizeChanger: false,
                  onChange: (next) => {
                    const copy = new URLSearchParams(params);
                    copy.set('page', String(next));
                    setParams(copy);
                  },
                }}
                columns={[
                  {
                    title: t.nickname,
                    dataIndex: 'nickname',
                    render: (nickname: string | null, row) => nickname ?? row.open_id,
                  },
                  {
                    title: t.level,
                    dataIndex: 'level',
                    width: 80,
                    render: (value: string) => <Tag color={LEVEL_COLORS[value]}>{levelLabel(value)}</Tag>,
                  },
                  { title: t.score, dataIndex: 'score', width: 90, render: (v: number) => v.toFixed(1) },
                  {
                    title: t.tags,
                    dataIndex: 'tags',
                    render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
                  },
                  { title: t.lastSeen, dataIndex: 'last_seen_at', width: 170, render: time },
                ]}
              />
            </QueryState>
          </Card>
        </Col>
        {customerId && (
          <Col xs={24} lg={9}>
            <CustomerCard key={customerId} customerId={customerId} />
          </Col>
        )}
      </Row>
    </RoleGate>
  );
}

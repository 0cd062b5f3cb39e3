import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { customersListLeadsOptions } from '../../client/@tanstack/react-query.gen';
import type { LeadView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { time } from '../../features/customers/labels';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.customers;
const PAGE_SIZE = 50;

/** The tenant's leads, newest first (contacts masked for roles that do not work leads). */
export function LeadsPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const list = useQuery({
    ...customersListLeadsOptions({ query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: (previous) => previous,
  });
  const items = list.data?.items ?? [];
  // The page has no total: another page exists while this one is full.
  const total = (page - 1) * PAGE_SIZE + items.length + (items.length === PAGE_SIZE ? 1 : 0);
  return (
    <RoleGate page="customers.leads">
      <Card title={t.leadsTitle}>
        <QueryState
          isPending={list.isPending}
          error={list.error}
          hasData={list.data !== undefined}
          isEmpty={page === 1 && items.length === 0}
          emptyText={t.leadsEmpty}
          onRetry={() => list.refetch()}
        >
          <Table<LeadView>
            rowKey="id"
            size="small"
            loading={list.isFetching}
            dataSource={items}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total,
              showSizeChanger: false,
              onChange: (next) => setParams({ page: String(next) }),
            }}
            columns={[
              { title: t.name, dataIndex: 'name', render: (v: string | null) => v ?? '–' },
              { title: t.phone, dataIndex: 'phone', render: (v: string | null) => v ?? '–' },
              { title: t.wechat, dataIndex: 'wechat', render: (v: string | null) => v ?? '–' },
              {
                title: t.source,
                dataIndex: 'source',
                render: (source: string, lead) => (
                  <>
                    <Tag>{source}</Tag>
                    {lead.consent && <Tag color="green">{t.consent}</Tag>}
                  </>
                ),
              },
              {
                title: t.customer,
                dataIndex: 'customer_id',
                render: (id: string) => <Link to={`/customers/${id}`}>{t.view}</Link>,
              },
              { title: t.createdAt, dataIndex: 'created_at', width: 170, render: time },
            ]}
          />
        </QueryState>
      </Card>
    </RoleGate>
  );
}

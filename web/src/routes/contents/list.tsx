import { useQuery } from '@tanstack/react-query';
import { Card, Select, Space, Table, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { contentsListContentsOptions } from '../../client/@tanstack/react-query.gen';
import type { ContentSummary, ContentsListContentsData } from '../../client/types.gen';

type Filters = NonNullable<ContentsListContentsData['query']>;

import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import {
  formatTime,
  KIND_OPTIONS,
  kindLabel,
  STATUS_OPTIONS,
  statusColor,
  statusLabel,
} from '../../features/contents/labels';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.contents;
const PAGE_SIZE = 20;

/** The tenant's contents, newest first; filters and page live in the address, so a link keeps them. */
export function ContentsPage() {
  const [params, setParams] = useSearchParams();
  const kind = (params.get('kind') as Filters['kind']) ?? undefined;
  const status = (params.get('status') as Filters['status']) ?? undefined;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const list = useQuery({
    ...contentsListContentsOptions({
      query: { kind, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: (previous) => previous,
  });

  const setFilter = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('page');
    setParams(next);
  };

  return (
    <RoleGate page="contents.list">
      <Card title={t.listTitle}>
        <Space style={{ marginBottom: 16 }} wrap>
          <Select
            allowClear
            placeholder={t.allKinds}
            options={KIND_OPTIONS}
            value={kind}
            onChange={(value) => setFilter('kind', value)}
            style={{ width: 160 }}
            data-testid="filter-kind"
          />
          <Select
            allowClear
            placeholder={t.allStatuses}
            options={STATUS_OPTIONS}
            value={status}
            onChange={(value) => setFilter('status', value)}
            style={{ width: 160 }}
            data-testid="filter-status"
          />
        </Space>
        <QueryState
          isPending={list.isPending}
          error={list.error}
          hasData={list.data !== undefined}
          isEmpty={list.data?.total === 0}
          emptyText={t.empty}
          onRetry={() => list.refetch()}
        >
          <Table<ContentSummary>
            rowKey="id"
            loading={list.isFetching}
            dataSource={list.data?.items}
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
                title: t.titleCol,
                dataIndex: 'title',
                render: (title: string, row) => <Link to={`/contents/${row.id}`}>{title || row.topic}</Link>,
              },
              { title: t.kind, dataIndex: 'kind', render: kindLabel, width: 110 },
              {
                title: t.status,
                dataIndex: 'status',
                width: 110,
                render: (value: string) => <Tag color={statusColor(value)}>{statusLabel(value)}</Tag>,
              },
              { title: t.version, dataIndex: 'version', width: 70 },
              {
                title: t.compliance,
                dataIndex: 'compliance_passed',
                width: 90,
                render: (passed: boolean) =>
                  passed ? <Tag color="success">{t.passed}</Tag> : <Tag color="warning">{t.flagged}</Tag>,
              },
              { title: t.updatedAt, dataIndex: 'updated_at', width: 180, render: formatTime },
            ]}
          />
        </QueryState>
      </Card>
    </RoleGate>
  );
}

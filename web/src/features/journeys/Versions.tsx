import { useQuery } from '@tanstack/react-query';
import { Table } from 'antd';
import { journeysListVersionsOptions } from '../../client/@tanstack/react-query.gen';
import type { VersionPage } from '../../client/types.gen';

type VersionView = VersionPage['items'][number];

import { QueryState } from '../../components/QueryState';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from './labels';

const t = zhCN.journeys.versions;

/** The journey's published versions, newest first (immutable; running enrolments keep theirs). */
export function Versions({ journeyId }: { journeyId: string }) {
  const list = useQuery(journeysListVersionsOptions({ path: { journey_id: journeyId } }));
  return (
    <QueryState
      isPending={list.isPending}
      error={list.error}
      hasData={list.data !== undefined}
      isEmpty={list.data?.items.length === 0}
      emptyText={t.empty}
      onRetry={() => list.refetch()}
    >
      <Table<VersionView>
        rowKey="version"
        size="small"
        dataSource={list.data?.items}
        pagination={false}
        data-testid="versions"
        columns={[
          { title: t.version, dataIndex: 'version', render: (v: number) => `v${v}`, width: 90 },
          { title: t.nodes, render: (_, row) => row.graph.nodes.length, width: 90 },
          { title: t.publishedBy, dataIndex: 'published_by' },
          { title: t.publishedAt, dataIndex: 'published_at', render: formatTime, width: 170 },
        ]}
      />
    </QueryState>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Segmented, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  journeysListEnrolmentsOptions,
  journeysListEnrolmentsQueryKey,
  journeysUnenrolMutation,
} from '../../client/@tanstack/react-query.gen';
import type { EnrolmentView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from './labels';

const t = zhCN.journeys.enrolments;
const PAGE = 50;

/** Who is in the journey, by status; a running enrolment can be ended by hand (agents too). */
export function Enrolments({ journeyId, canUnenrol }: { journeyId: string; canUnenrol: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'running' | 'exited' | 'all'>('all');
  const [page, setPage] = useState(1);
  const query = {
    status: status === 'all' ? undefined : status,
    limit: PAGE,
    offset: (page - 1) * PAGE,
  };
  const list = useQuery({
    ...journeysListEnrolmentsOptions({ path: { journey_id: journeyId }, query }),
    placeholderData: (previous) => previous,
  });
  const unenrol = useMutation({
    ...journeysUnenrolMutation(),
    onSuccess: () => {
      message.success(t.unenrolled);
      void queryClient.invalidateQueries({
        queryKey: journeysListEnrolmentsQueryKey({ path: { journey_id: journeyId } }),
      });
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <Segmented
        value={status}
        onChange={(value) => {
          setStatus(value as typeof status);
          setPage(1);
        }}
        options={[
          { value: 'all', label: t.all },
          { value: 'running', label: t.running },
          { value: 'exited', label: t.exited },
        ]}
        style={{ marginBottom: 12 }}
      />
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={items.length === 0 && page === 1}
        emptyText={t.empty}
        onRetry={() => list.refetch()}
      >
        <Table<EnrolmentView>
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={items}
          data-testid="enrolments"
          pagination={{
            current: page,
            pageSize: PAGE,
            // The API pages without a total: one more page exists while this one is full.
            total: (page - 1) * PAGE + items.length + (items.length === PAGE ? 1 : 0),
            onChange: setPage,
            showSizeChanger: false,
          }}
          columns={[
            { title: t.customer, dataIndex: 'customer_id', ellipsis: true },
            { title: t.version, dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
            {
              title: t.status,
              dataIndex: 'status',
              width: 90,
              render: (value: string) =>
                value === 'running' ? <Tag color="processing">{t.running}</Tag> : <Tag>{t.exited}</Tag>,
            },
            { title: t.current, dataIndex: 'current_node', width: 120 },
            { title: t.entered, dataIndex: 'entered_at', width: 160, render: formatTime },
            { title: t.exitReason, dataIndex: 'exit_reason', width: 100 },
            {
              title: '',
              width: 80,
              render: (_, row) =>
                canUnenrol && row.status === 'running' ? (
                  <Popconfirm
                    title={t.unenrolConfirm}
                    onConfirm={() =>
                      unenrol.mutate({ path: { journey_id: journeyId, enrolment_id: row.id } })
                    }
                  >
                    <Button size="small" danger data-testid="unenrol">
                      {t.unenrol}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </QueryState>
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, List, Space, Table, Tag, Typography } from 'antd';
import {
  customersGetCustomerOptions,
  customersListCustomerEnrolmentsOptions,
  tasksListTasksOptions,
} from '../../client/@tanstack/react-query.gen';
import type { Contribution, CustomerEnrolmentView, LeadView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { zhCN } from '../../locales/zh-CN';
import { useMe } from '../auth/useMe';
import {
  enrolmentStatusLabel,
  exitReasonLabel,
  LEVEL_COLORS,
  levelLabel,
  scoreEventLabel,
  taskStatusLabel,
  time,
  worksCustomers,
} from './labels';

const t = zhCN.customers;
const JOURNEYS_SHOWN = 20;

/** The customer at a glance: score and level with why, the leads they gave, their journeys and tasks. */
export function CustomerCard({ customerId }: { customerId: string }) {
  const me = useMe();
  const customer = useQuery(customersGetCustomerOptions({ path: { customer_id: customerId } }));
  const data = customer.data;
  return (
    <Card size="small" title={t.card} data-testid="customer-card">
      <QueryState
        isPending={customer.isPending}
        error={customer.error}
        hasData={customer.data !== undefined}
        onRetry={() => customer.refetch()}
      >
        {data && (
          <Space direction="vertical" style={{ width: '100%' }} size="middle">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t.nickname}>{data.nickname ?? data.open_id}</Descriptions.Item>
              <Descriptions.Item label={t.score}>
                <Space>
                  <Typography.Text strong data-testid="customer-score">
                    {data.score.toFixed(1)}
                  </Typography.Text>
                  <Tag color={LEVEL_COLORS[data.level]} data-testid="customer-level">
                    {levelLabel(data.level)}
                  </Tag>
                </Space>
              </Descriptions.Item>
              {data.tags.length > 0 && (
                <Descriptions.Item label={t.tags}>
                  {data.tags.map((tag) => (
                    <Tag key={tag}>{tag}</Tag>
                  ))}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Explanation items={data.explanation} />
            <Leads items={data.leads} />
            <Journeys customerId={customerId} />
            {worksCustomers(me.data?.role) && (
              <Tasks customerId={customerId} all={me.data?.role === 'admin'} />
            )}
          </Space>
        )}
      </QueryState>
    </Card>
  );
}

function Explanation({ items }: { items: Contribution[] }) {
  return (
    <div>
      <Typography.Text type="secondary">{t.explanation}</Typography.Text>
      <Table<Contribution>
        size="small"
        rowKey="event_id"
        pagination={false}
        dataSource={items}
        locale={{ emptyText: t.noExplanation }}
        data-testid="customer-explanation"
        columns={[
          { title: t.eventType, dataIndex: 'event_type', render: (v: string) => scoreEventLabel(v) },
          { title: t.group, dataIndex: 'group', width: 70 },
          { title: t.points, dataIndex: 'points', width: 60 },
          { title: t.decayed, dataIndex: 'decayed', width: 60, render: (v: number) => v.toFixed(1) },
        ]}
      />
    </div>
  );
}

function Leads({ items }: { items: LeadView[] }) {
  return (
    <div>
      <Typography.Text type="secondary">{t.leads}</Typography.Text>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noLeads} />
      ) : (
        <List
          size="small"
          dataSource={items}
          data-testid="customer-leads"
          renderItem={(lead) => (
            <List.Item key={lead.id}>
              <Space wrap>
                {lead.name && <span>{lead.name}</span>}
                {lead.phone && <span>{`${t.phone} ${lead.phone}`}</span>}
                {lead.wechat && <span>{`${t.wechat} ${lead.wechat}`}</span>}
                {lead.consent && <Tag color="green">{t.consent}</Tag>}
                <Typography.Text type="secondary">{time(lead.created_at)}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

/** The customer's journeys, newest first, in one request (not one per journey). */
function Journeys({ customerId }: { customerId: string }) {
  const enrolments = useQuery(
    customersListCustomerEnrolmentsOptions({
      path: { customer_id: customerId },
      query: { limit: JOURNEYS_SHOWN },
    }),
  );
  const rows = enrolments.data?.items ?? [];
  return (
    <div>
      <Typography.Text type="secondary">{t.journeys}</Typography.Text>
      <QueryState
        isPending={enrolments.isPending}
        error={enrolments.error}
        hasData={enrolments.data !== undefined}
        onRetry={() => enrolments.refetch()}
      >
        {rows.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noJourneys} />
        ) : (
          <List<CustomerEnrolmentView>
            size="small"
            dataSource={rows}
            data-testid="customer-journeys"
            renderItem={(row) => (
              <List.Item key={row.id}>
                <Space wrap size={[8, 0]}>
                  <span>{row.journey_name}</span>
                  <Typography.Text type="secondary">{`v${row.version}`}</Typography.Text>
                  <Tag color={row.status === 'running' ? 'processing' : undefined}>
                    {enrolmentStatusLabel(row.status)}
                  </Tag>
                  {row.current_node && (
                    <Typography.Text type="secondary">{`${t.journeyNode} ${row.current_node}`}</Typography.Text>
                  )}
                  <Typography.Text type="secondary">{`${t.journeyEntered} ${time(row.entered_at)}`}</Typography.Text>
                  {row.exited_at && (
                    <Typography.Text type="secondary">
                      {`${t.journeyExited} ${time(row.exited_at)}`}
                      {row.exit_reason ? ` · ${exitReasonLabel(row.exit_reason)}` : ''}
                    </Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
        )}
      </QueryState>
    </div>
  );
}

function Tasks({ customerId, all }: { customerId: string; all: boolean }) {
  const tasks = useQuery(
    tasksListTasksOptions({ query: { customer_id: customerId, scope: all ? 'all' : 'mine', limit: 20 } }),
  );
  const items = tasks.data?.items ?? [];
  return (
    <div>
      <Typography.Text type="secondary">{t.tasks}</Typography.Text>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noTasks} />
      ) : (
        <List
          size="small"
          dataSource={items}
          data-testid="customer-tasks"
          renderItem={(task) => (
            <List.Item key={task.id}>
              <Space wrap>
                <span>{task.reason}</span>
                <Tag color={task.overdue ? 'red' : undefined}>{taskStatusLabel(task.status)}</Tag>
                <Typography.Text type="secondary">{time(task.due_at)}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

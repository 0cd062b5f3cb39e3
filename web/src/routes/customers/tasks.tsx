import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  tasksCompleteTaskMutation,
  tasksListTasksOptions,
  tasksReassignTaskMutation,
  tasksSnoozeTaskMutation,
  usersUserDirectoryOptions,
} from '../../client/@tanstack/react-query.gen';
import type { FollowUpTaskView, TaskCompletion, TasksListTasksData } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { useMe } from '../../features/auth/useMe';
import { AGENT_ROLES, taskStatusLabel, time } from '../../features/customers/labels';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.customers;
type Filter = 'open' | 'overdue' | 'today' | 'closed';
type Query = NonNullable<TasksListTasksData['query']>;

const FILTERS: Record<Filter, Query> = {
  open: { status: ['open', 'snoozed'] },
  overdue: { due: 'overdue' },
  today: { due: 'today', status: ['open', 'snoozed'] },
  closed: { status: ['done', 'auto_closed', 'cancelled'] },
};

function isFilter(value: string | null): value is Filter {
  return value !== null && value in FILTERS;
}

type Action = { kind: 'complete' | 'snooze' | 'reassign'; task: FollowUpTaskView } | null;

/** My follow-up tasks, soonest due first: complete with an outcome, snooze, reassign; admins see everyone's. */
export function TasksPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const filter: Filter = isFilter(params.get('filter')) ? (params.get('filter') as Filter) : 'open';
  const admin = me.data?.role === 'admin';
  const all = admin && params.get('scope') === 'all';
  const list = useQuery({
    ...tasksListTasksOptions({ query: { ...FILTERS[filter], scope: all ? 'all' : 'mine', limit: 200 } }),
    placeholderData: (previous) => previous,
  });
  const [action, setAction] = useState<Action>(null);
  const set = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <RoleGate page="customers.tasks">
      <Card
        title={t.tasksTitle}
        extra={
          admin && (
            <Space>
              <span>{t.scopeAll}</span>
              <Switch checked={all} onChange={(on) => set('scope', on ? 'all' : null)} />
            </Space>
          )
        }
      >
        <Segmented
          style={{ marginBottom: 16 }}
          value={filter}
          onChange={(value) => set('filter', String(value))}
          options={(Object.keys(FILTERS) as Filter[]).map((f) => ({ value: f, label: t.filters[f] }))}
          data-testid="task-filter"
        />
        <QueryState
          isPending={list.isPending}
          error={list.error}
          hasData={list.data !== undefined}
          isEmpty={list.data?.items.length === 0}
          emptyText={t.tasksEmpty}
          onRetry={() => list.refetch()}
        >
          <Table<FollowUpTaskView>
            rowKey="id"
            size="small"
            loading={list.isFetching}
            dataSource={list.data?.items}
            pagination={false}
            expandable={{
              rowExpandable: (task) => Boolean(task.script),
              expandedRowRender: (task) => (
                <Typography.Paragraph style={{ marginBottom: 0 }}>
                  <Typography.Text type="secondary">{`${t.script}: `}</Typography.Text>
                  {task.script}
                </Typography.Paragraph>
              ),
            }}
            columns={[
              { title: t.reason, dataIndex: 'reason' },
              {
                title: t.customer,
                dataIndex: 'customer_id',
                width: 110,
                render: (id: string) => <Link to={`/customers/${id}`}>{t.view}</Link>,
              },
              {
                title: t.source,
                dataIndex: 'source',
                width: 90,
                render: (s: string) => (t.sources as Record<string, string>)[s] ?? s,
              },
              {
                title: t.due,
                dataIndex: 'due_at',
                width: 170,
                render: (due: string, task) => (
                  <Space size={4}>
                    <span>{time(due)}</span>
                    {task.overdue && <Tag color="red">{t.overdue}</Tag>}
                  </Space>
                ),
              },
              {
                title: t.status,
                dataIndex: 'status',
                width: 100,
                render: (status: string, task) =>
                  task.outcome ? (
                    <Tag>{(t.outcomes as Record<string, string>)[task.outcome] ?? task.outcome}</Tag>
                  ) : (
                    <Tag>{taskStatusLabel(status)}</Tag>
                  ),
              },
              {
                title: '',
                key: 'actions',
                width: 200,
                render: (_, task) =>
                  task.status === 'open' || task.status === 'snoozed' ? (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setAction({ kind: 'complete', task })}>
                        {t.complete}
                      </Button>
                      <Button type="link" size="small" onClick={() => setAction({ kind: 'snooze', task })}>
                        {t.snooze}
                      </Button>
                      <Button
                        type="link"
                        size="small"
                        onClick={() => setAction({ kind: 'reassign', task })}
                        data-testid="task-reassign"
                      >
                        {t.reassign}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
        </QueryState>
      </Card>
      {action && <TaskAction action={action} onClose={() => setAction(null)} />}
    </RoleGate>
  );
}

interface ActionForm {
  outcome?: TaskCompletion['outcome'];
  amount_yuan?: number;
  note?: string;
  until?: Dayjs;
  owner_user_id?: string;
}

/** One move on a task, in a dialog: the outcome of a completed one, the new due time, or the new owner. */
function TaskAction({ action, onClose }: { action: NonNullable<Action>; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ActionForm>();
  const outcome = Form.useWatch('outcome', form);
  // The tenant's directory (active users only), which every agent may read, not the admins' user list.
  const users = useQuery({ ...usersUserDirectoryOptions(), enabled: action.kind === 'reassign' });
  const done = () => {
    message.success(t.done);
    void queryClient.invalidateQueries({
      predicate: (q) => {
        const id = (q.queryKey[0] as { _id?: string } | undefined)?._id;
        return id === 'tasksListTasks' || id === 'tasksGetTask';
      },
    });
    onClose();
  };
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const complete = useMutation({ ...tasksCompleteTaskMutation(), onSuccess: done, onError });
  const snooze = useMutation({ ...tasksSnoozeTaskMutation(), onSuccess: done, onError });
  const reassign = useMutation({ ...tasksReassignTaskMutation(), onSuccess: done, onError });
  const path = { task_id: action.task.id };

  const submit = (values: ActionForm) => {
    if (action.kind === 'complete' && values.outcome) {
      complete.mutate({
        path,
        body: {
          outcome: values.outcome,
          note: values.note ?? '',
          amount_fen: values.outcome === 'won' ? Math.round((values.amount_yuan ?? 0) * 100) : null,
        },
      });
    } else if (action.kind === 'snooze' && values.until) {
      snooze.mutate({ path, body: { until: values.until.format() } });
    } else if (action.kind === 'reassign' && values.owner_user_id) {
      reassign.mutate({ path, body: { owner_user_id: values.owner_user_id } });
    }
  };

  return (
    <Modal
      open
      title={t[action.kind]}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={complete.isPending || snooze.isPending || reassign.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{action.task.reason}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} data-testid="task-action-form">
        {action.kind === 'complete' && (
          <>
            <Form.Item name="outcome" label={t.outcome} rules={[{ required: true }]}>
              <Select
                options={Object.entries(t.outcomes).map(([value, label]) => ({ value, label }))}
                data-testid="task-outcome"
              />
            </Form.Item>
            {outcome === 'won' && (
              <Form.Item name="amount_yuan" label={t.amountYuan} rules={[{ required: true }]}>
                <InputNumber min={0.01} precision={2} style={{ width: '100%' }} />
              </Form.Item>
            )}
            <Form.Item name="note" label={t.note}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 2 }} />
            </Form.Item>
          </>
        )}
        {action.kind === 'snooze' && (
          <Form.Item
            name="until"
            label={t.until}
            rules={[{ required: true }]}
            initialValue={dayjs().add(1, 'day').startOf('hour')}
          >
            <DatePicker showTime disabledDate={(d) => d.isBefore(dayjs(), 'day')} style={{ width: '100%' }} />
          </Form.Item>
        )}
        {action.kind === 'reassign' && (
          <Form.Item name="owner_user_id" label={t.owner} rules={[{ required: true }]}>
            <Select
              loading={users.isPending}
              options={(users.data ?? [])
                .filter((u) => u.active && (AGENT_ROLES as readonly string[]).includes(u.role))
                .filter((u) => u.id !== action.task.owner_user_id)
                .map((u) => ({ value: u.id, label: u.display_name }))}
              showSearch
              optionFilterProp="label"
              data-testid="task-owner"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

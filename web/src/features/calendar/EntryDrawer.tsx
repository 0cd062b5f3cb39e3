import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Drawer, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { calendarGetEntryOptions, calendarGetEntryQueryKey } from '../../client/@tanstack/react-query.gen';
import { calendarDeleteEntry, calendarPause, calendarResume, calendarRunNow } from '../../client/sdk.gen';
import type { EntryDetail, RunView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../contents/labels';
import type { Names } from './CalendarGrid';
import {
  describeRecurrence,
  entryStatusLabel,
  isRunning,
  stateColor,
  stateLabel,
  triggerLabel,
} from './grid';

const t = zhCN.calendar;
const POLL_MS = 1500;

type Action = 'pause' | 'resume' | 'run' | 'remove';

interface Props {
  entryId: string | null;
  names: Names;
  canPlan: boolean;
  onClose: () => void;
  onChanged: () => void;
  /** Opens the entry in the form to change its time, recurrence, zone, content or account. */
  onEdit: (entry: EntryDetail) => void;
}

/**
 * One entry: its plan, its schedule as Temporal holds it, what will hold it back, and every run with its
 * result and reason; edit, pause, resume, run now and delete. Polled while a run is under way.
 */
export function EntryDrawer({ entryId, names, canPlan, onClose, onChanged, onEdit }: Props) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const options = calendarGetEntryOptions({ path: { entry_id: entryId ?? '' } });
  // After "run now": the number of runs it was started beside, so polling goes on until its run is recorded.
  const [runsBefore, setRunsBefore] = useState<number | null>(null);
  useEffect(() => {
    if (entryId !== null) setRunsBefore(null);
  }, [entryId]);
  const entry = useQuery({
    ...options,
    enabled: entryId !== null,
    refetchInterval: (query) => {
      const runs = query.state.data?.runs ?? [];
      const awaited = runsBefore !== null && runs.length <= runsBefore;
      return awaited || runs.some((run) => isRunning(run.status)) ? POLL_MS : false;
    },
  });

  const act = useMutation({
    mutationFn: async (action: Action): Promise<Action> => {
      const path = { entry_id: entryId ?? '' };
      if (action === 'pause') await calendarPause({ path, throwOnError: true });
      if (action === 'resume') await calendarResume({ path, throwOnError: true });
      if (action === 'remove') await calendarDeleteEntry({ path, throwOnError: true });
      if (action === 'run') {
        await calendarRunNow({
          path,
          headers: { 'idempotency-key': crypto.randomUUID() },
          throwOnError: true,
        });
      }
      return action;
    },
    onSuccess: (action) => {
      const done = {
        pause: t.detail.paused,
        resume: t.detail.resumed,
        run: t.detail.started,
        remove: t.detail.removed,
      };
      message.success(done[action]);
      if (action === 'run') setRunsBefore(entry.data?.runs.length ?? 0);
      onChanged();
      if (action === 'remove') {
        onClose();
        return;
      }
      void queryClient.invalidateQueries({
        queryKey: calendarGetEntryQueryKey({ path: { entry_id: entryId ?? '' } }),
      });
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });

  const view: EntryDetail | undefined = entry.data;
  const active = view && ['scheduled', 'paused', 'broken'].includes(view.status);
  const busy = (action: Action) => act.isPending && act.variables === action;

  return (
    <Drawer
      open={entryId !== null}
      onClose={onClose}
      width={720}
      title={t.detail.title}
      destroyOnHidden
      extra={
        canPlan &&
        active && (
          <Space>
            <Button onClick={() => onEdit(view)} data-testid="entry-edit">
              {t.detail.edit}
            </Button>
            {view.status === 'paused' ? (
              <Button
                onClick={() => act.mutate('resume')}
                loading={busy('resume')}
                data-testid="entry-resume"
              >
                {t.detail.resume}
              </Button>
            ) : (
              <Button onClick={() => act.mutate('pause')} loading={busy('pause')} data-testid="entry-pause">
                {t.detail.pause}
              </Button>
            )}
            <Popconfirm
              title={t.detail.runNowConfirm}
              onConfirm={() => act.mutate('run')}
              okButtonProps={{ 'data-testid': 'run-now-confirm' }}
            >
              <Button type="primary" loading={busy('run')} data-testid="entry-run-now">
                {t.detail.runNow}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={t.detail.removeConfirm}
              onConfirm={() => act.mutate('remove')}
              okButtonProps={{ danger: true, 'data-testid': 'remove-confirm' }}
            >
              <Button danger loading={busy('remove')} data-testid="entry-remove">
                {t.detail.remove}
              </Button>
            </Popconfirm>
          </Space>
        )
      }
    >
      <QueryState
        isPending={entry.isPending}
        error={entry.error}
        hasData={entry.data !== undefined}
        onRetry={() => entry.refetch()}
      >
        {view && (
          <Space direction="vertical" style={{ width: '100%' }} size={16} data-testid="entry-detail">
            {view.schedule.paused && <Alert type="info" showIcon message={t.detail.pausedNote} />}
            {view.last_error && (
              <Alert
                type="error"
                showIcon
                message={t.detail.lastError}
                description={view.last_error}
                data-testid="entry-last-error"
              />
            )}
            {(view.warnings ?? []).map((warning) => (
              <Alert
                key={warning}
                type="warning"
                showIcon
                message={t.detail.warnings}
                description={warning}
              />
            ))}
            <Descriptions column={2} size="small" bordered>
              <Descriptions.Item label={t.detail.status}>
                <Tag data-testid="entry-status">{entryStatusLabel(view.status)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t.detail.kind}>
                {(t.kinds as Record<string, string>)[view.kind] ?? view.kind}
              </Descriptions.Item>
              <Descriptions.Item label={t.detail.content} span={2}>
                {names.content(view.content_id)}
              </Descriptions.Item>
              <Descriptions.Item label={t.detail.account}>{names.account(view.account_id)}</Descriptions.Item>
              <Descriptions.Item label={t.detail.timezone}>{view.timezone}</Descriptions.Item>
              {view.kind === 'one_off' ? (
                <Descriptions.Item label={t.detail.runAt} span={2}>
                  {formatTime(view.run_at)}
                  {view.run_at_local && (
                    <Typography.Text type="secondary">
                      {' '}
                      （{view.timezone} {view.run_at_local.replace('T', ' ').slice(0, 16)}）
                    </Typography.Text>
                  )}
                </Descriptions.Item>
              ) : (
                <Descriptions.Item label={t.detail.recurrence} span={2}>
                  {describeRecurrence(view)}
                  {view.end_at && ` · ≤ ${formatTime(view.end_at)}`}
                  {view.max_runs && ` · ${view.max_runs}×`}
                </Descriptions.Item>
              )}
              {(view.schedule.next_times ?? []).length > 0 && (
                <Descriptions.Item label={t.detail.nextTimes} span={2}>
                  {(view.schedule.next_times ?? []).slice(0, 3).map(formatTime).join('，')}
                </Descriptions.Item>
              )}
              {view.schedule.remaining_actions !== null && view.schedule.remaining_actions !== undefined && (
                <Descriptions.Item label={t.detail.remaining} span={2}>
                  {view.schedule.remaining_actions}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t.detail.runs}
            </Typography.Title>
            <Table<RunView>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={view.runs}
              locale={{ emptyText: t.detail.noRuns }}
              data-testid="entry-runs"
              columns={[
                { title: t.detail.trigger, dataIndex: 'trigger', width: 90, render: triggerLabel },
                { title: t.detail.scheduledFor, dataIndex: 'scheduled_for', width: 160, render: formatTime },
                {
                  title: t.detail.result,
                  dataIndex: 'status',
                  width: 110,
                  render: (status: string) => (
                    <Tag color={stateColor(status)} data-testid="run-status" data-status={status}>
                      {stateLabel(status)}
                    </Tag>
                  ),
                },
                {
                  title: t.detail.reason,
                  dataIndex: 'reason',
                  render: (reason: string | null) => (
                    <Typography.Text type="secondary" data-testid="run-reason">
                      {reason ?? ''}
                    </Typography.Text>
                  ),
                },
                {
                  title: t.detail.link,
                  dataIndex: 'share_url',
                  width: 70,
                  render: (url: string | null) =>
                    url ? (
                      <a href={url} target="_blank" rel="noreferrer">
                        {t.detail.open}
                      </a>
                    ) : null,
                },
              ]}
            />
          </Space>
        )}
      </QueryState>
    </Drawer>
  );
}

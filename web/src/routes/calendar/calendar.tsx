import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Segmented, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  calendarViewCalendarOptions,
  contentsListContentsOptions,
  douyinAccountsListAccountsOptions,
} from '../../client/@tanstack/react-query.gen';
import { calendarReschedule } from '../../client/sdk.gen';
import type { EntryView, Occurrence } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { CalendarGrid, type Names } from '../../features/calendar/CalendarGrid';
import { EntryDrawer } from '../../features/calendar/EntryDrawer';
import { EntryForm } from '../../features/calendar/EntryForm';
import { byDay, DAY_KEY, movedRunAt, type ViewMode, visibleRange } from '../../features/calendar/grid';
import { refreshCalendar, refreshCalendarAndEntries } from '../../features/calendar/refresh';
import { kindLabel } from '../../features/contents/labels';
import { isApiError } from '../../lib/api';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.calendar;
const POLL_MS = 5000;

/**
 * The content calendar: a month or a week of planned, running and finished publishes (view, day and account
 * in the address), new one-off and recurring entries, drag to reschedule, and each entry's runs in a drawer,
 * from which it is edited.
 */
export function CalendarPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const canPlan = canSee(me.data?.role, 'calendar.plan');
  const [params, setParams] = useSearchParams();
  const mode: ViewMode = params.get('view') === 'week' ? 'week' : 'month';
  const dayParam = params.get('day');
  const anchorKey = (dayParam && dayjs(dayParam).isValid() ? dayjs(dayParam) : dayjs()).format(DAY_KEY);
  const anchor = useMemo(() => dayjs(anchorKey), [anchorKey]);
  const accountId = params.get('account') ?? undefined;
  const openEntry = params.get('entry');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<EntryView | null>(null);

  const range = useMemo(() => visibleRange(mode, anchor), [mode, anchor]);
  const view = useQuery({
    ...calendarViewCalendarOptions({
      query: { from: range.from.format(), to: range.to.format(), account_id: accountId },
    }),
    placeholderData: (previous) => previous,
    // Slots change state on their own (due, running, published): the visible range is read again now and then.
    refetchInterval: POLL_MS,
  });
  const accounts = useQuery(douyinAccountsListAccountsOptions());
  const contents = useQuery(contentsListContentsOptions({ query: { limit: 200 } }));

  const names: Names = useMemo(() => {
    const contentTitles = new Map((contents.data?.items ?? []).map((c) => [c.id, c.title || c.topic]));
    const accountNames = new Map((accounts.data ?? []).map((a) => [a.id, a.nickname || a.open_id]));
    return {
      content: (id) => contentTitles.get(id) ?? id.slice(0, 8),
      account: (id) => accountNames.get(id) ?? id.slice(0, 8),
    };
  }, [contents.data, accounts.data]);
  const entries = useMemo(
    () => new Map<string, EntryView>((view.data?.entries ?? []).map((entry) => [entry.id, entry])),
    [view.data],
  );
  const occurrencesByDay = useMemo(() => byDay(view.data?.occurrences ?? []), [view.data]);

  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    setParams(next);
  };
  const shift = (step: number) => set({ day: anchor.add(step, mode).format(DAY_KEY) });
  const refresh = () => refreshCalendar(queryClient);
  const refreshAll = () => void refreshCalendarAndEntries(queryClient);

  const move = useMutation({
    mutationFn: async ({ occurrence, day, hour }: { occurrence: Occurrence; day: Dayjs; hour?: number }) => {
      const runAt = movedRunAt(occurrence.scheduled_for, day, hour);
      await calendarReschedule({
        path: { entry_id: occurrence.entry_id },
        body: { run_at: runAt },
        throwOnError: true,
      });
      return runAt;
    },
    onSuccess: (runAt) => {
      message.success(fmt(t.detail.moved, { time: dayjs(runAt).format('MM-DD HH:mm') }));
      refreshAll();
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });

  const contentOptions = (contents.data?.items ?? [])
    .filter((c) => c.status !== 'archived')
    .map((c) => {
      const text = `${c.title || c.topic}（${kindLabel(c.kind)}）`;
      return {
        value: c.id,
        search: text,
        label: <span data-testid={`content-option-${c.id}`}>{text}</span>,
      };
    });
  const accountOptions = (accounts.data ?? [])
    .filter((a) => a.health !== 'unbound')
    .map((a) => ({ value: a.id, label: a.nickname || a.open_id }));

  const title =
    mode === 'month'
      ? anchor.format(t.monthTitle)
      : `${range.from.format('YYYY-MM-DD')} ~ ${range.to.subtract(1, 'day').format('MM-DD')}`;

  return (
    <RoleGate page="calendar.view">
      <Card
        title={t.title}
        extra={
          canPlan && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="new-entry"
            >
              {t.newEntry}
            </Button>
          )
        }
      >
        <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
          <Space>
            <Button icon={<LeftOutlined />} onClick={() => shift(-1)} aria-label={t.prev} />
            <Button onClick={() => set({ day: null })}>{t.today}</Button>
            <Button icon={<RightOutlined />} onClick={() => shift(1)} aria-label={t.next} />
            <Typography.Text strong data-testid="calendar-title">
              {title}
            </Typography.Text>
          </Space>
          <Space>
            <Select
              allowClear
              placeholder={t.allAccounts}
              style={{ width: 180 }}
              value={accountId}
              onChange={(value?: string) => set({ account: value ?? null })}
              options={(accounts.data ?? []).map((a) => ({ value: a.id, label: a.nickname || a.open_id }))}
              data-testid="filter-account"
            />
            <Segmented
              value={mode}
              onChange={(value) => set({ view: value === 'week' ? 'week' : null })}
              options={[
                { value: 'month', label: t.month },
                { value: 'week', label: t.week },
              ]}
              data-testid="view-mode"
            />
          </Space>
        </Space>
        {canPlan && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t.dragHint}
          </Typography.Paragraph>
        )}
        <QueryState
          isPending={view.isPending}
          error={view.error}
          hasData={view.data !== undefined}
          onRetry={() => view.refetch()}
        >
          <CalendarGrid
            mode={mode}
            days={range.days}
            anchor={anchor}
            occurrencesByDay={occurrencesByDay}
            entries={entries}
            names={names}
            canPlan={canPlan && !move.isPending}
            onOpen={(entryId) => set({ entry: entryId })}
            onMove={(occurrence, day, hour) => move.mutate({ occurrence, day, hour })}
          />
          {view.data?.occurrences.length === 0 && (
            <Empty description={t.empty} style={{ marginTop: 16 }} data-testid="calendar-empty" />
          )}
        </QueryState>
      </Card>
      <EntryForm
        open={creating}
        contents={contentOptions}
        accounts={accountOptions}
        onClose={() => setCreating(false)}
        onCreated={(entry) => {
          setCreating(false);
          message.success(t.form.created);
          void refresh();
          set({ entry: entry.id });
        }}
      />
      <EntryDrawer
        entryId={openEntry}
        names={names}
        canPlan={canPlan}
        onClose={() => set({ entry: null })}
        onChanged={refresh}
        onEdit={setEditing}
      />
      <EntryForm
        open={editing !== null}
        entry={editing}
        contents={contentOptions}
        accounts={accountOptions}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          message.success(saved ? t.form.saved : t.form.unchanged);
          refreshAll();
        }}
      />
    </RoleGate>
  );
}

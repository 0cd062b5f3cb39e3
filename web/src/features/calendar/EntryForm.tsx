import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  TimePicker,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useEffect, useMemo } from 'react';
import { tenantGetTenantOptions } from '../../client/@tanstack/react-query.gen';
import { calendarCreateEntry, calendarReschedule } from '../../client/sdk.gen';
import type {
  EntryCreate,
  EntryDetail,
  EntryPatch,
  EntryView,
  Recurrence,
  WeeklySlot,
} from '../../client/types.gen';
import { isApiError } from '../../lib/api';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { fieldErrorsOf } from '../insights/fieldErrors';
import { describeRecurrence, type RecurrenceForm, toRecurrence, WEEKDAYS } from './grid';

const t = zhCN.calendar;

export interface EntryFormValues extends RecurrenceForm {
  contentId: string;
  accountId: string;
  kind: 'one_off' | 'recurring';
  runAt?: Dayjs;
  /** The entry's IANA zone, in which its weekly times and cron are read; a new entry's starts as the tenant's. */
  timezone?: string;
  /** Only when editing a weekly entry: its slots as stored, kept unless its days or time are changed. */
  weekly?: WeeklySlot[];
}

/** The API's request from the form: a one-off at an aware time, or a recurrence with its end. */
export function toEntryCreate(values: EntryFormValues): EntryCreate {
  const base = {
    content_id: values.contentId,
    account_id: values.accountId,
    ...(values.timezone ? { timezone: values.timezone } : {}),
  };
  if (values.kind === 'one_off') {
    return { ...base, run_at: (values.runAt ?? dayjs()).format() } as EntryCreate;
  }
  return { ...base, recurrence: toRecurrence(values) } as EntryCreate;
}

/** An entry as the form holds it, to edit: its kind stays; a weekly plan is its days at its first slot's time
 * (the form gives every chosen day one time), its stored slots kept beside them. */
export function toFormValues(entry: EntryView): EntryFormValues {
  const base = { contentId: entry.content_id, accountId: entry.account_id, timezone: entry.timezone };
  if (entry.kind !== 'recurring') {
    return {
      ...base,
      kind: 'one_off',
      mode: 'weekly',
      runAt: entry.run_at ? dayjs(entry.run_at) : undefined,
    };
  }
  const slots = entry.weekly ?? [];
  const [hour, minute] = (slots[0]?.time ?? '09:00').split(':').map(Number);
  return {
    ...base,
    kind: 'recurring',
    mode: entry.cron ? 'cron' : 'weekly',
    cron: entry.cron ?? undefined,
    weekly: entry.weekly ?? undefined,
    weekdays: WEEKDAYS.filter((day) => slots.some((slot) => slot.weekday === day)),
    time: dayjs()
      .hour(hour ?? 9)
      .minute(minute ?? 0)
      .second(0)
      .millisecond(0),
    endAt: entry.end_at ? dayjs(entry.end_at) : undefined,
    maxRuns: entry.max_runs ?? undefined,
  };
}

/**
 * The PATCH of an edit: only what differs from the entry as it was opened. A one-off's time is sent as
 * `run_at`; a recurring entry's plan is sent whole as `recurrence` when any part of it (days, time, cron,
 * end) changed, since the API replaces a recurrence rather than merging it.
 */
export function toEntryPatch(before: EntryFormValues, after: EntryFormValues): EntryPatch {
  const patch: EntryPatch = {};
  if (after.contentId !== before.contentId) patch.content_id = after.contentId;
  if (after.accountId !== before.accountId) patch.account_id = after.accountId;
  if (after.timezone && after.timezone !== before.timezone) patch.timezone = after.timezone;
  if (before.kind === 'one_off') {
    const runAt = after.runAt?.format();
    if (runAt && runAt !== before.runAt?.format()) patch.run_at = runAt;
  } else {
    const recurrence = editedRecurrence(before, after);
    if (JSON.stringify(recurrence) !== JSON.stringify(editedRecurrence(before, before)))
      patch.recurrence = recurrence;
  }
  return patch;
}

/** Whether a weekly entry's slots are not all at one time, which the form cannot show as they are. */
export function hasMixedTimes(weekly: WeeklySlot[] | null | undefined): boolean {
  return new Set((weekly ?? []).map((slot) => slot.time.slice(0, 5))).size > 1;
}

/** The recurrence an edit stands for: the stored weekly slots, each at its own time, unless the days or the
 * time were changed (then every chosen day at the one time shown). */
function editedRecurrence(before: EntryFormValues, after: EntryFormValues): Recurrence {
  const recurrence = toRecurrence(after);
  const untouched =
    before.weekly &&
    before.mode === 'weekly' &&
    after.mode === 'weekly' &&
    JSON.stringify(WEEKDAYS.filter((d) => after.weekdays?.includes(d))) ===
      JSON.stringify(WEEKDAYS.filter((d) => before.weekdays?.includes(d))) &&
    after.time?.format('HH:mm') === before.time?.format('HH:mm');
  return untouched ? ({ ...recurrence, weekly: before.weekly } as Recurrence) : recurrence;
}

/** What the BFF refused, in words: a 409 or a domain 422 says it in `detail`, a request's 422 per field. */
export function refusal(error: unknown): string {
  const { rest } = fieldErrorsOf(error, () => false);
  return rest.map((line) => line.replace(/^body\./, '')).join('；');
}

/** The zones to choose from: the browser's list, with the entry's own first in case the list lacks it. */
function zoneOptions(current: string | undefined): { value: string; label: string }[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...(current ? [current] : []), ...zones])].map((zone) => ({
    value: zone,
    label: zone,
  }));
}

interface Props {
  open: boolean;
  initialDay?: Dayjs;
  /** Given: the form edits this entry (its kind fixed) instead of planning a new one. */
  entry?: EntryView | null;
  contents: { value: string; label: ReactNode; search: string }[];
  accounts: { value: string; label: string }[];
  onClose: () => void;
  onCreated?: (entry: EntryDetail) => void;
  onSaved?: (entry: EntryDetail | null) => void;
}

/** Plans a one-off or recurring publish, or edits one; closing with unsaved edits asks first. */
export function EntryForm({
  open,
  initialDay,
  entry,
  contents,
  accounts,
  onClose,
  onCreated,
  onSaved,
}: Props) {
  const { modal } = App.useApp();
  const [form] = Form.useForm<EntryFormValues>();
  const kind = Form.useWatch('kind', form);
  const mode = Form.useWatch('mode', form);
  const editing = entry ?? null;
  const before = useMemo(() => (editing ? toFormValues(editing) : null), [editing]);
  // A new entry is read in the tenant's zone unless another is chosen.
  const tenant = useQuery({ ...tenantGetTenantOptions(), enabled: open && !editing });
  const tenantZone = tenant.data?.timezone;
  const save = useMutation({
    mutationFn: async (values: EntryFormValues): Promise<{ entry: EntryDetail | null; created: boolean }> => {
      if (editing && before) {
        const body = toEntryPatch(before, values);
        // Nothing changed: nothing to send, the entry stays as it is.
        if (Object.keys(body).length === 0) return { entry: null, created: false };
        const path = { entry_id: editing.id };
        const { data } = await calendarReschedule({ path, body, throwOnError: true });
        return { entry: data, created: false };
      }
      const { data } = await calendarCreateEntry({ body: toEntryCreate(values), throwOnError: true });
      return { entry: data, created: true };
    },
    onSuccess: ({ entry: saved, created }) => {
      form.resetFields();
      if (created && saved) onCreated?.(saved);
      else onSaved?.(saved);
    },
  });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (before) {
      form.setFieldsValue(before);
    } else {
      const start = (initialDay ?? dayjs())
        .hour(dayjs().hour() + 1)
        .minute(0)
        .second(0);
      form.setFieldsValue({ runAt: start.isBefore(dayjs()) ? dayjs().add(1, 'hour').minute(0) : start });
    }
    save.reset();
  }, [open, initialDay, before, form, save.reset]);

  // The tenant's zone arrives after the form opens: it fills the zone unless one was chosen meanwhile.
  useEffect(() => {
    if (open && !editing && tenantZone && !form.getFieldValue('timezone')) {
      form.setFieldsValue({ timezone: tenantZone });
    }
  }, [open, editing, tenantZone, form]);

  // A reload or a closed tab while the form holds edits asks too.
  useEffect(() => {
    if (!open) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (form.isFieldsTouched()) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [open, form]);

  const close = () => {
    if (!form.isFieldsTouched()) {
      onClose();
      return;
    }
    modal.confirm({ title: t.form.discard, onOk: onClose });
  };

  return (
    <Modal
      open={open}
      title={editing ? t.form.editTitle : t.form.title}
      okText={editing ? t.form.save : t.form.submit}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'entry-submit' }}
      destroyOnHidden
      width={560}
    >
      <Form<EntryFormValues>
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'one_off',
          mode: 'weekly',
          weekdays: ['mon'],
          time: dayjs().hour(9).minute(0),
        }}
        onFinish={(values) => save.mutate(values)}
        data-testid="entry-form"
      >
        {save.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            message={
              isApiError(save.error, 409)
                ? t.form.conflict
                : isApiError(save.error, 422)
                  ? t.form.invalid
                  : t.form.failed
            }
            description={refusal(save.error)}
            data-testid="entry-error"
          />
        )}
        <Form.Item name="contentId" label={t.form.content} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="search"
            options={contents}
            placeholder={t.form.contentPlaceholder}
            data-testid="entry-content"
          />
        </Form.Item>
        <Form.Item name="accountId" label={t.form.account} rules={[{ required: true }]}>
          <Select options={accounts} placeholder={t.form.accountPlaceholder} data-testid="entry-account" />
        </Form.Item>
        <Form.Item name="timezone" label={t.form.timezone} extra={t.form.timezoneHelp}>
          <Select
            showSearch
            options={zoneOptions(editing ? editing.timezone : tenantZone)}
            data-testid="entry-timezone"
          />
        </Form.Item>
        <Form.Item name="kind" label={t.form.kind} extra={editing ? t.form.kindFixed : undefined}>
          <Radio.Group
            disabled={editing !== null}
            optionType="button"
            options={[
              { value: 'one_off', label: t.kinds.one_off },
              { value: 'recurring', label: t.kinds.recurring },
            ]}
          />
        </Form.Item>
        {kind !== 'recurring' ? (
          <Form.Item name="runAt" label={t.form.runAt} rules={[{ required: true }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="entry-run-at" />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="mode" label={t.form.mode}>
              <Radio.Group
                options={[
                  { value: 'weekly', label: t.form.weekly },
                  { value: 'cron', label: t.form.cron },
                ]}
              />
            </Form.Item>
            {mode === 'cron' ? (
              <Form.Item name="cron" label={t.form.cron} extra={t.form.cronHelp} rules={[{ required: true }]}>
                <Input placeholder="30 9 * * 1-5" data-testid="entry-cron" />
              </Form.Item>
            ) : (
              <>
                <Form.Item name="weekdays" label={t.form.weekdays} rules={[{ required: true }]}>
                  <Checkbox.Group
                    options={WEEKDAYS.map((value, i) => ({ value, label: t.weekdays[i] ?? value }))}
                  />
                </Form.Item>
                <Form.Item name="time" label={t.form.time} rules={[{ required: true }]}>
                  <TimePicker format="HH:mm" />
                </Form.Item>
                {editing && hasMixedTimes(editing.weekly) && (
                  <Alert
                    type="info"
                    showIcon
                    style={{ marginBottom: 16 }}
                    message={fmt(t.form.mixedTimes, { slots: describeRecurrence(editing) })}
                    data-testid="entry-mixed-times"
                  />
                )}
              </>
            )}
            <Form.Item label={t.form.endAt} extra={t.form.endHelp} style={{ marginBottom: 0 }} required>
              <Form.Item
                name="endAt"
                style={{ display: 'inline-block', marginRight: 12 }}
                dependencies={['maxRuns']}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_, value) =>
                      value || getFieldValue('maxRuns')
                        ? Promise.resolve()
                        : Promise.reject(new Error(t.form.endHelp)),
                  }),
                ]}
              >
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
              </Form.Item>
              <Form.Item name="maxRuns" style={{ display: 'inline-block' }}>
                <InputNumber min={1} max={1000} placeholder={t.form.maxRuns} />
              </Form.Item>
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

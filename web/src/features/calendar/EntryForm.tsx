import { useMutation } from '@tanstack/react-query';
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
import { type ReactNode, useEffect } from 'react';
import { calendarCreateEntry } from '../../client/sdk.gen';
import type { EntryCreate, EntryDetail } from '../../client/types.gen';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { type RecurrenceForm, toRecurrence, WEEKDAYS } from './grid';

const t = zhCN.calendar;

export interface EntryFormValues extends RecurrenceForm {
  contentId: string;
  accountId: string;
  kind: 'one_off' | 'recurring';
  runAt?: Dayjs;
}

/** The API's request from the form: a one-off at an aware time, or a recurrence with its end. */
export function toEntryCreate(values: EntryFormValues): EntryCreate {
  const base = { content_id: values.contentId, account_id: values.accountId };
  if (values.kind === 'one_off') {
    return { ...base, run_at: (values.runAt ?? dayjs()).format() } as EntryCreate;
  }
  return { ...base, recurrence: toRecurrence(values) } as EntryCreate;
}

interface Props {
  open: boolean;
  initialDay?: Dayjs;
  contents: { value: string; label: ReactNode; search: string }[];
  accounts: { value: string; label: string }[];
  onClose: () => void;
  onCreated: (entry: EntryDetail) => void;
}

/** Plans a one-off or recurring publish; closing with unsaved edits asks first. */
export function EntryForm({ open, initialDay, contents, accounts, onClose, onCreated }: Props) {
  const { modal } = App.useApp();
  const [form] = Form.useForm<EntryFormValues>();
  const kind = Form.useWatch('kind', form);
  const mode = Form.useWatch('mode', form);
  const create = useMutation({
    mutationFn: async (body: EntryCreate) => {
      const { data } = await calendarCreateEntry({ body, throwOnError: true });
      return data;
    },
    onSuccess: (entry) => {
      form.resetFields();
      onCreated(entry);
    },
  });

  useEffect(() => {
    if (!open) return;
    const start = (initialDay ?? dayjs())
      .hour(dayjs().hour() + 1)
      .minute(0)
      .second(0);
    form.resetFields();
    form.setFieldsValue({ runAt: start.isBefore(dayjs()) ? dayjs().add(1, 'hour').minute(0) : start });
    create.reset();
  }, [open, initialDay, form, create.reset]);

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
      title={t.form.title}
      okText={t.form.submit}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={create.isPending}
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
        onFinish={(values) => create.mutate(toEntryCreate(values))}
        data-testid="entry-form"
      >
        {create.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            message={isApiError(create.error) ? create.error.detail : String(create.error)}
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
        <Form.Item name="kind" label={t.form.kind}>
          <Radio.Group
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

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Form, Input, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  notificationsChangeWebhookMutation,
  notificationsCreateWebhookMutation,
  notificationsDeleteWebhookMutation,
  notificationsListWebhooksOptions,
  notificationsListWebhooksQueryKey,
} from '../../client/@tanstack/react-query.gen';
import type { NewWebhook, WebhookChange, WebhookView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../contents/labels';
import { TagsInput } from './BrandsTab';
import { FormModal } from './FormModal';
import { rowActionsColumn } from './RowActions';

const t = zhCN.insights.settings;
const KINDS = (['wecom', 'feishu', 'dingtalk'] as const).map((value) => ({
  value,
  label: t.robotKinds[value],
}));

/** The robot form's values: a new robot's fields, and when editing, whether to drop the stored secret. */
export type WebhookForm = NewWebhook & { clearSecret?: boolean };

/** The form as it opens on a robot: its secret is never shown, the field starts empty. */
export function webhookFormOf(row: WebhookView): WebhookForm {
  return {
    kind: row.kind,
    url: row.url,
    kinds: row.kinds,
    enabled: row.enabled,
    secret: '',
    clearSecret: false,
  };
}

/**
 * The PATCH of an edit: the fields that differ from the robot as listed. A typed secret replaces the stored
 * one; an empty field keeps it, unless removing it was ticked (the API's empty string).
 */
export function toWebhookChange(row: WebhookView, values: WebhookForm): WebhookChange {
  const change: WebhookChange = {};
  if (values.url !== row.url) change.url = values.url;
  const kinds = values.kinds ?? [];
  if (kinds.length !== row.kinds.length || kinds.some((kind, i) => kind !== row.kinds[i]))
    change.kinds = kinds;
  if ((values.enabled ?? true) !== row.enabled) change.enabled = values.enabled ?? true;
  if (values.secret) change.secret = values.secret;
  else if (values.clearSecret && row.has_secret) change.secret = '';
  return change;
}

/** Group robots that receive notifications in digests (admins only); the secret is never shown again. */
export function WebhooksTab() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery(notificationsListWebhooksOptions());
  const [editing, setEditing] = useState<WebhookView | 'new' | null>(null);
  const row = editing !== 'new' ? editing : null;
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationsListWebhooksQueryKey() });
  const create = useMutation({ ...notificationsCreateWebhookMutation(), onSuccess: refresh });
  const update = useMutation({ ...notificationsChangeWebhookMutation(), onSuccess: refresh });
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const change = useMutation({ ...notificationsChangeWebhookMutation(), onSuccess: refresh, onError });
  const remove = useMutation({ ...notificationsDeleteWebhookMutation(), onSuccess: refresh, onError });

  return (
    <>
      <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setEditing('new')}>
        {t.newWebhook}
      </Button>
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={list.data?.length === 0}
        emptyText={t.noWebhooks}
        onRetry={() => list.refetch()}
      >
        <Table<WebhookView>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={list.data}
          columns={[
            {
              title: t.webhookKind,
              dataIndex: 'kind',
              width: 90,
              render: (k: string) => KINDS.find((x) => x.value === k)?.label ?? k,
            },
            { title: t.url, dataIndex: 'url', ellipsis: true },
            {
              title: t.notificationKinds,
              dataIndex: 'kinds',
              render: (kinds: string[]) => kinds.map((k) => <Tag key={k}>{k}</Tag>),
            },
            { title: t.lastPosted, dataIndex: 'last_posted_at', render: formatTime, width: 170 },
            { title: t.lastError, dataIndex: 'last_error', ellipsis: true },
            {
              title: t.enabled,
              dataIndex: 'enabled',
              width: 70,
              render: (on: boolean, row) => (
                <Switch
                  size="small"
                  checked={on}
                  onChange={(next) =>
                    change.mutate({ path: { webhook_id: row.id }, body: { enabled: next } })
                  }
                />
              ),
            },
            rowActionsColumn<WebhookView>({
              onEdit: setEditing,
              onRemove: (row) => remove.mutateAsync({ path: { webhook_id: row.id } }),
              editTestId: (row) => `webhook-edit-${row.id}`,
            }),
          ]}
        />
      </QueryState>
      <FormModal<WebhookForm>
        open={editing !== null}
        title={row ? t.editWebhook : t.newWebhook}
        initialValues={row ? webhookFormOf(row) : { kind: 'wecom', enabled: true }}
        onClose={() => setEditing(null)}
        onSubmit={async ({ clearSecret: _, ...values }) => {
          if (!row) return create.mutateAsync({ body: { ...values, secret: values.secret || null } });
          const body = toWebhookChange(row, values);
          if (Object.keys(body).length === 0) return;
          await update.mutateAsync({ path: { webhook_id: row.id }, body });
          message.success(t.saved);
        }}
        testId="webhook-form"
      >
        {() => (
          <>
            <Form.Item name="kind" label={t.webhookKind} rules={[{ required: true, message: t.required }]}>
              <Select options={KINDS} disabled={row !== null} />
            </Form.Item>
            <Form.Item
              name="url"
              label={t.url}
              rules={[{ required: true, message: t.required }, { type: 'url' }]}
            >
              <Input placeholder="https://" data-testid="webhook-url" />
            </Form.Item>
            <Form.Item name="secret" label={t.secret} extra={row?.has_secret ? t.secretKeep : undefined}>
              <Input.Password
                autoComplete="new-password"
                placeholder={row?.has_secret ? t.secretSet : undefined}
                data-testid="webhook-secret"
              />
            </Form.Item>
            {row?.has_secret && (
              <Form.Item name="clearSecret" valuePropName="checked">
                <Checkbox data-testid="webhook-clear-secret">{t.clearSecret}</Checkbox>
              </Form.Item>
            )}
            <Form.Item name="kinds" label={t.notificationKinds}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="enabled" label={t.enabled} valuePropName="checked">
              <Switch data-testid="webhook-enabled" />
            </Form.Item>
          </>
        )}
      </FormModal>
    </>
  );
}

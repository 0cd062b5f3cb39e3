import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  notificationsChangeWebhookMutation,
  notificationsCreateWebhookMutation,
  notificationsDeleteWebhookMutation,
  notificationsListWebhooksOptions,
  notificationsListWebhooksQueryKey,
} from '../../client/@tanstack/react-query.gen';
import type { NewWebhook, WebhookView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../contents/labels';
import { TagsInput } from './BrandsTab';
import { FormModal } from './FormModal';

const t = zhCN.insights.settings;
const KINDS = [
  { value: 'wecom', label: '企业微信' },
  { value: 'feishu', label: '飞书' },
  { value: 'dingtalk', label: '钉钉' },
];

/** Group robots that receive notifications in digests (admins only); the secret is never shown again. */
export function WebhooksTab() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery(notificationsListWebhooksOptions());
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationsListWebhooksQueryKey() });
  const create = useMutation({ ...notificationsCreateWebhookMutation(), onSuccess: refresh });
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const change = useMutation({ ...notificationsChangeWebhookMutation(), onSuccess: refresh, onError });
  const remove = useMutation({ ...notificationsDeleteWebhookMutation(), onSuccess: refresh, onError });

  return (
    <>
      <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setCreating(true)}>
        {t.newWebhook}
      </Button>
      <QueryState
        isPending={list.isPending}
        error={list.error}
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
            {
              title: '',
              key: 'actions',
              width: 80,
              render: (_, row) => (
                <Popconfirm
                  title={t.confirmDelete}
                  onConfirm={() => remove.mutateAsync({ path: { webhook_id: row.id } })}
                >
                  <Button size="small" danger>
                    {t.delete}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </QueryState>
      <FormModal<NewWebhook>
        open={creating}
        title={t.newWebhook}
        initialValues={{ kind: 'wecom', enabled: true }}
        onClose={() => setCreating(false)}
        onSubmit={(body) => create.mutateAsync({ body: { ...body, secret: body.secret || null } })}
      >
        {() => (
          <>
            <Form.Item name="kind" label={t.webhookKind} rules={[{ required: true, message: t.required }]}>
              <Select options={KINDS} />
            </Form.Item>
            <Form.Item
              name="url"
              label={t.url}
              rules={[{ required: true, message: t.required }, { type: 'url' }]}
            >
              <Input placeholder="https://" />
            </Form.Item>
            <Form.Item name="secret" label={t.secret}>
              <Input.Password autoComplete="off" />
            </Form.Item>
            <Form.Item name="kinds" label={t.notificationKinds}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="enabled" label={t.enabled} valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        )}
      </FormModal>
    </>
  );
}

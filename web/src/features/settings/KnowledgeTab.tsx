import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  brandsListBrandsOptions,
  knowledgeCreateKnowledgeMutation,
  knowledgeDeleteKnowledgeMutation,
  knowledgeListKnowledgeOptions,
  knowledgeListKnowledgeQueryKey,
  knowledgeUpdateKnowledgeMutation,
} from '../../client/@tanstack/react-query.gen';
import type { KnowledgeEntryIn, KnowledgeEntryView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { TagsInput } from './BrandsTab';
import { FormModal } from './FormModal';
import { rowActionsColumn } from './RowActions';

const t = zhCN.insights.settings;

/** The brand picker: the tenant's live brands by name. */
export function BrandPicker(props: { value?: string | null; onChange?: (value: string | null) => void }) {
  const brands = useQuery(brandsListBrandsOptions({ query: { limit: 200 } }));
  return (
    <Select
      allowClear
      loading={brands.isPending}
      options={(brands.data?.items ?? []).map((b) => ({ value: b.id, label: b.profile.name }))}
      value={props.value ?? undefined}
      onChange={(value) => props.onChange?.(value ?? null)}
      data-testid="brand-picker"
    />
  );
}

/** The knowledge the customer-service bot answers from: searched as the bot searches it, edited with
 * the version read (a concurrent edit is a 409). */
export function KnowledgeTab({ canWrite }: { canWrite: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const list = useQuery({
    ...knowledgeListKnowledgeOptions({ query: { q: q || undefined, limit: 100 } }),
    placeholderData: (previous) => previous,
  });
  const [editing, setEditing] = useState<KnowledgeEntryView | 'new' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: knowledgeListKnowledgeQueryKey() });
  const create = useMutation({ ...knowledgeCreateKnowledgeMutation(), onSuccess: refresh });
  const update = useMutation({ ...knowledgeUpdateKnowledgeMutation(), onSuccess: refresh });
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const remove = useMutation({ ...knowledgeDeleteKnowledgeMutation(), onSuccess: refresh, onError });

  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t.search} onSearch={setQ} style={{ width: 280 }} />
        {canWrite && (
          <Button type="primary" onClick={() => setEditing('new')}>
            {t.newKnowledge}
          </Button>
        )}
      </Space>
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={list.data?.total === 0}
        emptyText={t.noKnowledge}
        onRetry={() => list.refetch()}
      >
        <Table<KnowledgeEntryView>
          rowKey="id"
          size="small"
          dataSource={list.data?.items}
          pagination={false}
          columns={[
            { title: t.question, dataIndex: 'question' },
            { title: t.answer, dataIndex: 'answer', ellipsis: true },
            {
              title: t.tags,
              dataIndex: 'tags',
              render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>),
            },
            { title: t.enabled, dataIndex: 'enabled', width: 70, render: (on: boolean) => (on ? '✓' : '–') },
            ...(canWrite
              ? [
                  rowActionsColumn<KnowledgeEntryView>({
                    onEdit: setEditing,
                    onRemove: (row) => remove.mutateAsync({ path: { knowledge_id: row.id } }),
                  }),
                ]
              : []),
          ]}
        />
      </QueryState>
      <FormModal<KnowledgeEntryIn>
        open={editing !== null}
        title={editing === 'new' ? t.newKnowledge : t.edit}
        initialValues={editing && editing !== 'new' ? editing : { enabled: true }}
        onClose={() => setEditing(null)}
        onSubmit={(body) =>
          editing && editing !== 'new'
            ? update.mutateAsync({
                path: { knowledge_id: editing.id },
                body: { ...body, base_version: editing.version },
              })
            : create.mutateAsync({ body })
        }
      >
        {() => (
          <>
            <Form.Item
              name="question"
              label={t.question}
              rules={[{ required: true, whitespace: true, message: t.required }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="variants" label={t.variants}>
              <TagsInput />
            </Form.Item>
            <Form.Item
              name="answer"
              label={t.answer}
              rules={[{ required: true, whitespace: true, message: t.required }]}
            >
              <Input.TextArea rows={4} />
            </Form.Item>
            <Form.Item name="tags" label={t.tags}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="brand_id" label={t.brand}>
              <BrandPicker />
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

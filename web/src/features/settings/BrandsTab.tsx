import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  brandsArchiveBrandMutation,
  brandsCreateBrandMutation,
  brandsListBrandsOptions,
  brandsListBrandsQueryKey,
  brandsUpdateBrandMutation,
  douyinAccountsListAccountsOptions,
} from '../../client/@tanstack/react-query.gen';
import type { BrandProfile, BrandView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../contents/labels';
import { FormModal } from './FormModal';
import { rowActionsColumn } from './RowActions';

const t = zhCN.insights.settings;

/** Free words (audiences, preferred and avoided words, proof) typed one by one. */
export function TagsInput(props: {
  value?: string[];
  onChange?: (value: string[]) => void;
  'data-testid'?: string;
}) {
  return (
    <Select mode="tags" open={false} placeholder={t.tagsHint} tokenSeparators={[',', '，']} {...props} />
  );
}

/** The tenant's brand profiles: generations are written with them; editing makes a new version,
 * deleting archives. */
export function BrandsTab({ canWrite }: { canWrite: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const accounts = useQuery(douyinAccountsListAccountsOptions());
  const list = useQuery(brandsListBrandsOptions({ query: { limit: 200 } }));
  const [editing, setEditing] = useState<BrandView | 'new' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: brandsListBrandsQueryKey() });
  const create = useMutation({ ...brandsCreateBrandMutation(), onSuccess: refresh });
  const update = useMutation({ ...brandsUpdateBrandMutation(), onSuccess: refresh });
  const onError = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const archive = useMutation({ ...brandsArchiveBrandMutation(), onSuccess: refresh, onError });

  return (
    <>
      {canWrite && (
        <Button
          type="primary"
          style={{ marginBottom: 16 }}
          onClick={() => setEditing('new')}
          data-testid="brand-new"
        >
          {t.newBrand}
        </Button>
      )}
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={list.data?.total === 0}
        emptyText={t.noBrands}
        onRetry={() => list.refetch()}
      >
        <Table<BrandView>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={list.data?.items}
          data-testid="brand-list"
          columns={[
            { title: t.brandName, key: 'name', render: (_, row) => row.profile.name },
            { title: t.industry, key: 'industry', render: (_, row) => row.profile.industry },
            { title: t.tone, key: 'tone', render: (_, row) => row.profile.tone },
            {
              title: t.avoidWords,
              key: 'avoid',
              render: (_, row) => (row.profile.avoid_words ?? []).map((w) => <Tag key={w}>{w}</Tag>),
            },
            { title: t.version, dataIndex: 'version', width: 70 },
            {
              title: zhCN.insights.performance.createdAt,
              dataIndex: 'updated_at',
              render: formatTime,
              width: 180,
            },
            ...(canWrite
              ? [
                  rowActionsColumn<BrandView>({
                    onEdit: setEditing,
                    onRemove: (row) => archive.mutateAsync({ path: { brand_id: row.id } }),
                    removeLabel: t.archive,
                  }),
                ]
              : []),
          ]}
        />
      </QueryState>
      <FormModal<BrandProfile>
        open={editing !== null}
        title={editing === 'new' ? t.newBrand : t.edit}
        initialValues={editing && editing !== 'new' ? editing.profile : { name: '' }}
        onClose={() => setEditing(null)}
        onSubmit={(body) =>
          editing && editing !== 'new'
            ? update.mutateAsync({ path: { brand_id: editing.id }, body: { ...editing.profile, ...body } })
            : create.mutateAsync({ body })
        }
        testId="brand-form"
      >
        {() => (
          <>
            <Form.Item
              name="name"
              label={t.brandName}
              rules={[{ required: true, whitespace: true, message: t.required }, { max: 40 }]}
            >
              <Input data-testid="brand-name" />
            </Form.Item>
            <Form.Item name="industry" label={t.industry} rules={[{ max: 60 }]}>
              <Input data-testid="brand-industry" />
            </Form.Item>
            <Form.Item name="tone" label={t.tone} rules={[{ max: 60 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="audiences" label={t.audiences}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="prefer_words" label={t.preferWords}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="avoid_words" label={t.avoidWords}>
              <TagsInput data-testid="brand-avoid" />
            </Form.Item>
            <Form.Item name="call_to_action" label={t.callToAction} rules={[{ max: 60 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="price_range" label={t.priceRange} rules={[{ max: 60 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="proof" label={t.proof}>
              <TagsInput />
            </Form.Item>
            <Form.Item name="account_ids" label={t.accounts}>
              <Select
                mode="multiple"
                loading={accounts.isPending}
                options={(accounts.data ?? []).map((a) => ({ value: a.id, label: a.nickname || a.open_id }))}
              />
            </Form.Item>
            <Form.List name="products">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="start" wrap>
                      <Form.Item
                        name={[field.name, 'name']}
                        label={t.productName}
                        rules={[{ required: true, whitespace: true, message: t.required }]}
                      >
                        <Input />
                      </Form.Item>
                      <Form.Item name={[field.name, 'selling_points']} label={t.sellingPoints}>
                        <TagsInput />
                      </Form.Item>
                      <Button style={{ marginTop: 30 }} onClick={() => remove(field.name)}>
                        {t.delete}
                      </Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({ name: '' })}>{t.addProduct}</Button>
                </>
              )}
            </Form.List>
          </>
        )}
      </FormModal>
    </>
  );
}

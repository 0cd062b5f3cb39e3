import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Layout,
  List,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  materialsCreateLibraryMutation,
  materialsDeleteLibraryMutation,
  materialsListLibrariesOptions,
  materialsListLibrariesQueryKey,
  materialsListMaterialsOptions,
  materialsListMaterialsQueryKey,
} from '../../client/@tanstack/react-query.gen';
import type { LibraryIn, LibraryView, MaterialView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { formatTime } from '../../features/journeys/labels';
import { ExpiryTag, MaterialDrawer } from '../../features/materials/MaterialDrawer';
import { Members } from '../../features/materials/Members';
import { KIND_OPTIONS, UploadForm } from '../../features/materials/UploadForm';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.materials;
const PAGE = 20;
const RANK = { viewer: 0, contributor: 1, manager: 2 } as const;

/**
 * The deal material library: libraries (members, permissions) on the left, the chosen library's materials
 * with search, kind and expiry filters, uploads with progress, and a material's versions and share links in a
 * drawer. The library, search and page live in the address.
 */
export function MaterialsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [form] = Form.useForm<LibraryIn>();
  const libraries = useQuery(materialsListLibrariesOptions());
  // Creating a library is `Operator` at the BFF; the creator becomes its manager.
  const canCreate = me.data?.role === 'admin' || me.data?.role === 'operator';
  // Images and videos go through the media upload, which is `Operator` too: other contributors add the rest.
  const mayUploadMedia = canSee(me.data?.role, 'materials.media');
  const libraryId = params.get('library') ?? libraries.data?.[0]?.id ?? null;
  const library = libraries.data?.find((l) => l.id === libraryId) ?? null;
  const failed = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const createLibrary = useMutation({
    ...materialsCreateLibraryMutation(),
    onSuccess: (view) => {
      setCreating(false);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: materialsListLibrariesQueryKey() });
      set({ library: view.id });
    },
    onError: failed,
  });
  const deleteLibrary = useMutation({
    ...materialsDeleteLibraryMutation(),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: materialsListLibrariesQueryKey() });
      set({ library: undefined });
    },
    onError: failed,
  });

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  return (
    <RoleGate page="materials.list">
      <Card title={t.title}>
        <Layout style={{ background: 'transparent' }}>
          <Layout.Sider width={240} theme="light" style={{ marginRight: 16 }}>
            {canCreate && (
              <Button block type="dashed" onClick={() => setCreating(true)} data-testid="new-library">
                {t.newLibrary}
              </Button>
            )}
            <QueryState
              isPending={libraries.isPending}
              error={libraries.error}
              hasData={libraries.data !== undefined}
              isEmpty={libraries.data?.length === 0}
              emptyText={t.noLibraries}
              onRetry={() => libraries.refetch()}
            >
              <List<LibraryView>
                dataSource={libraries.data}
                data-testid="libraries"
                renderItem={(item) => (
                  <List.Item
                    onClick={() => set({ library: item.id, q: undefined })}
                    style={{
                      cursor: 'pointer',
                      paddingLeft: 8,
                      background: item.id === libraryId ? '#e6f4ff' : undefined,
                    }}
                  >
                    <Space direction="vertical" size={0}>
                      <span>{item.name}</span>
                      <Space size={4}>
                        <Tag>{t.permissions[item.permission]}</Tag>
                        {item.bot_may_use && <Tag color="blue">{t.botMayUse}</Tag>}
                      </Space>
                    </Space>
                  </List.Item>
                )}
              />
            </QueryState>
          </Layout.Sider>
          <Layout.Content>
            {library ? (
              <LibraryPane
                library={library}
                params={params}
                mayUploadMedia={mayUploadMedia}
                set={set}
                onUpload={() => setUploading(true)}
                onDelete={() => deleteLibrary.mutate({ path: { library_id: library.id } })}
              />
            ) : (
              libraries.data &&
              libraries.data.length > 0 && <Typography.Text>{t.chooseLibrary}</Typography.Text>
            )}
          </Layout.Content>
        </Layout>
      </Card>
      <Modal
        open={creating}
        title={t.newLibrary}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={createLibrary.isPending}
        destroyOnHidden
      >
        <Form<LibraryIn>
          form={form}
          layout="vertical"
          initialValues={{ bot_may_use: false, description: '' }}
          onFinish={(body) => createLibrary.mutate({ body })}
        >
          <Form.Item name="name" label={t.libraryName} rules={[{ required: true, max: 100 }]}>
            <Input data-testid="library-name" />
          </Form.Item>
          <Form.Item name="description" label={t.libraryDescription}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item name="bot_may_use" label={t.botMayUse} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
      {library && (
        <Modal
          open={uploading}
          title={t.upload}
          footer={null}
          onCancel={() => setUploading(false)}
          destroyOnHidden
          width={560}
        >
          <UploadForm
            mode="material"
            libraryId={library.id}
            mayUploadMedia={mayUploadMedia}
            onDone={(view) => {
              setUploading(false);
              message.success(t.uploaded);
              void queryClient.invalidateQueries({ queryKey: materialsListMaterialsQueryKey() });
              set({ material: view.id });
            }}
          />
        </Modal>
      )}
    </RoleGate>
  );
}

function LibraryPane({
  library,
  params,
  mayUploadMedia,
  set,
  onUpload,
  onDelete,
}: {
  library: LibraryView;
  params: URLSearchParams;
  mayUploadMedia: boolean;
  set: (changes: Record<string, string | undefined>) => void;
  onUpload: () => void;
  onDelete: () => void;
}) {
  const q = params.get('q') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const expired = params.get('expired');
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [draft, setDraft] = useState(q ?? '');
  const list = useQuery({
    ...materialsListMaterialsOptions({
      query: {
        library_id: library.id,
        q,
        kind,
        expired: expired === null ? undefined : expired === 'true',
        limit: PAGE,
        offset: (page - 1) * PAGE,
      },
    }),
    placeholderData: (previous) => previous,
  });
  const contribute = RANK[library.permission] >= RANK.contributor;
  return (
    <>
      <Typography.Paragraph type="secondary">{library.description}</Typography.Paragraph>
      <Tabs
        items={[
          {
            key: 'materials',
            label: t.tabMaterials,
            children: (
              <>
                <Space wrap style={{ marginBottom: 12 }}>
                  <Input.Search
                    allowClear
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    onSearch={(value) => set({ q: value.trim() || undefined })}
                    placeholder={t.search}
                    style={{ width: 280 }}
                    data-testid="material-search"
                  />
                  <Select
                    allowClear
                    placeholder={t.allKinds}
                    options={KIND_OPTIONS}
                    value={kind}
                    onChange={(value) => set({ kind: value })}
                    style={{ width: 120 }}
                  />
                  <Select
                    allowClear
                    placeholder={t.expiredFilter}
                    value={expired ?? undefined}
                    onChange={(value) => set({ expired: value })}
                    options={[
                      { value: 'true', label: t.onlyExpired },
                      { value: 'false', label: t.onlyValid },
                    ]}
                    style={{ width: 120 }}
                  />
                  {contribute && (
                    <Button type="primary" onClick={onUpload} data-testid="upload-material">
                      {t.upload}
                    </Button>
                  )}
                  {library.permission === 'manager' && (
                    <Popconfirm title={t.deleteLibraryConfirm} onConfirm={onDelete}>
                      <Button danger>{t.deleteLibrary}</Button>
                    </Popconfirm>
                  )}
                </Space>
                <QueryState
                  isPending={list.isPending}
                  error={list.error}
                  hasData={list.data !== undefined}
                  isEmpty={list.data?.total === 0}
                  emptyText={q ? t.noMatch : t.empty}
                  onRetry={() => list.refetch()}
                >
                  <Table<MaterialView>
                    rowKey="id"
                    size="small"
                    loading={list.isFetching}
                    dataSource={list.data?.items}
                    data-testid="materials"
                    pagination={{
                      current: page,
                      pageSize: PAGE,
                      total: list.data?.total,
                      showSizeChanger: false,
                      onChange: (next) => set({ page: String(next) }),
                    }}
                    columns={[
                      {
                        title: t.col.title,
                        dataIndex: 'title',
                        render: (title: string, row) => (
                          <Typography.Link
                            onClick={() => set({ material: row.id, page: params.get('page') ?? undefined })}
                          >
                            {title}
                          </Typography.Link>
                        ),
                      },
                      {
                        title: t.col.kind,
                        dataIndex: 'kind',
                        width: 80,
                        render: (k: MaterialView['kind']) => t.kinds[k],
                      },
                      {
                        title: t.col.tags,
                        dataIndex: 'tags',
                        render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
                      },
                      {
                        title: t.col.expires,
                        dataIndex: 'expires_at',
                        width: 170,
                        render: (_, row) => <ExpiryTag material={row} />,
                      },
                      {
                        title: t.col.version,
                        width: 60,
                        render: (_, row) => (row.current_version ? `v${row.current_version.number}` : '–'),
                      },
                      ...(q
                        ? [
                            {
                              title: t.col.score,
                              dataIndex: 'score',
                              width: 80,
                              render: (score: number | null) => (score === null ? '' : score.toFixed(2)),
                            },
                          ]
                        : []),
                      { title: t.col.updated, dataIndex: 'updated_at', width: 160, render: formatTime },
                    ]}
                  />
                </QueryState>
                <MaterialDrawer
                  materialId={params.get('material')}
                  canContribute={contribute}
                  mayUploadMedia={mayUploadMedia}
                  onClose={() => set({ material: undefined, page: params.get('page') ?? undefined })}
                />
              </>
            ),
          },
          {
            key: 'members',
            label: t.tabMembers,
            children: <Members library={library} />,
          },
        ]}
      />
    </>
  );
}

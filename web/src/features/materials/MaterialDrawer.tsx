import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import {
  materialsGetMaterialOptions,
  materialsGetMaterialQueryKey,
  materialsListMaterialsQueryKey,
  materialsListSharesOptions,
  materialsListSharesQueryKey,
  materialsListVersionsOptions,
  materialsListVersionsQueryKey,
  materialsShareMaterialMutation,
  materialsUpdateMaterialMutation,
} from '../../client/@tanstack/react-query.gen';
import { materialsMaterialFile } from '../../client/sdk.gen';
import type { MaterialView, ShareIn, ShareView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../journeys/labels';
import { MEDIA_KINDS, UploadForm } from './UploadForm';

const t = zhCN.materials;
type Version = NonNullable<MaterialView['current_version']>;

/** The expiry as a tag: red once it has passed (the material is then never sent or shared). */
export function ExpiryTag({ material }: { material: MaterialView }) {
  if (material.expired) return <Tag color="error">{t.expired}</Tag>;
  if (!material.expires_at) return <Tag>{t.never}</Tag>;
  return <Tag color="gold">{formatTime(material.expires_at)}</Tag>;
}

interface EditValues {
  tags: string[];
  expires_at: Dayjs | null;
}

/** One material: its tags and expiry, its versions (a new one uploaded here), its share links and their opens. */
export function MaterialDrawer({
  materialId,
  canContribute,
  mayUploadMedia,
  onClose,
}: {
  materialId: string | null;
  canContribute: boolean;
  /** Whether the user's role may use the media upload (`Operator`) that image and video versions go through. */
  mayUploadMedia: boolean;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const path = { material_id: materialId ?? '' };
  const enabled = materialId !== null;
  const material = useQuery({ ...materialsGetMaterialOptions({ path }), enabled });
  const versions = useQuery({ ...materialsListVersionsOptions({ path }), enabled });
  const shares = useQuery({ ...materialsListSharesOptions({ path }), enabled });
  const failed = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const changed = (view: MaterialView) => {
    queryClient.setQueryData(materialsGetMaterialQueryKey({ path: { material_id: view.id } }), view);
    void queryClient.invalidateQueries({ queryKey: materialsListVersionsQueryKey({ path }) });
    void queryClient.invalidateQueries({ queryKey: materialsListMaterialsQueryKey() });
  };
  const update = useMutation({
    ...materialsUpdateMaterialMutation(),
    onSuccess: (view) => {
      changed(view);
      message.success(t.detail.saved);
    },
    onError: failed,
  });
  const share = useMutation({
    ...materialsShareMaterialMutation(),
    onSuccess: () => {
      message.success(t.share.created);
      void queryClient.invalidateQueries({ queryKey: materialsListSharesQueryKey({ path }) });
    },
    onError: failed,
  });
  const view = material.data;
  return (
    <Drawer
      open={enabled}
      onClose={onClose}
      width={720}
      title={view?.title}
      destroyOnHidden
      data-testid="material-drawer"
    >
      <QueryState
        isPending={material.isPending}
        error={material.error}
        hasData={material.data !== undefined}
        onRetry={() => material.refetch()}
      >
        {view && (
          <>
            <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t.col.kind}>{t.kinds[view.kind]}</Descriptions.Item>
              <Descriptions.Item label={t.col.expires}>
                <ExpiryTag material={view} />
                {view.archived && <Tag>{t.detail.archived}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t.col.version}>
                v{view.current_version?.number ?? '–'}
              </Descriptions.Item>
              <Descriptions.Item label={t.form.description}>{view.description || '–'}</Descriptions.Item>
            </Descriptions>
            <Form<EditValues>
              key={view.updated_at}
              layout="inline"
              disabled={!canContribute}
              initialValues={{ tags: view.tags, expires_at: view.expires_at ? dayjs(view.expires_at) : null }}
              onFinish={(values) =>
                update.mutate({
                  path,
                  body: {
                    tags: values.tags,
                    expires_at: values.expires_at ? values.expires_at.toISOString() : null,
                  },
                })
              }
              style={{ marginBottom: 12 }}
            >
              <Form.Item name="tags" label={t.form.tags}>
                <Select mode="tags" maxCount={10} style={{ minWidth: 200 }} data-testid="edit-tags" />
              </Form.Item>
              <Form.Item name="expires_at" label={t.form.expiresAt}>
                <DatePicker showTime />
              </Form.Item>
              <Button htmlType="submit" loading={update.isPending}>
                {t.detail.edit}
              </Button>
            </Form>
            <Tabs
              items={[
                {
                  key: 'versions',
                  label: t.detail.versions,
                  children: (
                    <>
                      <QueryState
                        isPending={versions.isPending}
                        error={versions.error}
                        hasData={versions.data !== undefined}
                        onRetry={() => versions.refetch()}
                      >
                        <Table<Version>
                          rowKey="number"
                          size="small"
                          pagination={false}
                          dataSource={versions.data}
                          data-testid="material-versions"
                          columns={[
                            {
                              title: t.detail.number,
                              dataIndex: 'number',
                              width: 70,
                              render: (n: number) => `v${n}`,
                            },
                            {
                              title: t.detail.file,
                              render: (_, row) =>
                                row.has_file ? (
                                  <a
                                    href={`/api/v1/materials/${view.id}/file?version=${row.number}`}
                                    onClick={(event) => {
                                      event.preventDefault();
                                      void download(view.id, row.number, row.file_name ?? view.title);
                                    }}
                                  >
                                    {row.file_name ?? t.detail.download}
                                  </a>
                                ) : (
                                  <Typography.Text ellipsis style={{ maxWidth: 240 }}>
                                    {row.text}
                                  </Typography.Text>
                                ),
                            },
                            { title: t.detail.note, dataIndex: 'note' },
                            {
                              title: t.detail.createdAt,
                              dataIndex: 'created_at',
                              width: 170,
                              render: formatTime,
                            },
                          ]}
                        />
                      </QueryState>
                      {canContribute && (
                        <div style={{ marginTop: 16 }}>
                          <Typography.Title level={5}>{t.detail.newVersion}</Typography.Title>
                          {mayUploadMedia || !MEDIA_KINDS.includes(view.kind) ? (
                            <UploadForm mode="version" material={view} onDone={changed} />
                          ) : (
                            <Typography.Text type="secondary" data-testid="version-media-only">
                              {t.form.versionOperatorOnly}
                            </Typography.Text>
                          )}
                        </div>
                      )}
                    </>
                  ),
                },
                {
                  key: 'shares',
                  label: t.detail.shares,
                  children: (
                    <Shares
                      shares={shares.data}
                      pending={shares.isPending}
                      error={shares.error}
                      blocked={view.expired || view.archived}
                      creating={share.isPending}
                      onCreate={(body) => share.mutate({ path, body })}
                    />
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryState>
    </Drawer>
  );
}

/** Fetches a version's file with the bearer (a plain link would carry no token) and saves it. */
async function download(materialId: string, version: number, name: string) {
  const { data } = await materialsMaterialFile({
    path: { material_id: materialId },
    query: { version },
    parseAs: 'blob',
    throwOnError: true,
  });
  const url = URL.createObjectURL(data as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

function Shares(props: {
  shares: ShareView[] | undefined;
  pending: boolean;
  error: unknown;
  blocked: boolean;
  creating: boolean;
  onCreate: (body: ShareIn) => void;
}) {
  return (
    <>
      {props.blocked ? (
        <Alert type="warning" showIcon message={t.expired} style={{ marginBottom: 12 }} />
      ) : (
        <Form<ShareIn>
          layout="inline"
          initialValues={{ expires_in_hours: 72 }}
          onFinish={(values) => props.onCreate({ ...values, access_code: values.access_code || null })}
          style={{ marginBottom: 12 }}
        >
          <Form.Item name="customer_id" rules={[{ required: true }]}>
            <Input placeholder={t.share.customerId} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="expires_in_hours" label={t.share.hours}>
            <InputNumber min={1} max={2160} />
          </Form.Item>
          <Form.Item name="access_code" rules={[{ pattern: /^[A-Za-z0-9]{4,12}$/ }]}>
            <Input placeholder={t.share.accessCode} style={{ width: 240 }} />
          </Form.Item>
          <Button htmlType="submit" loading={props.creating}>
            {t.share.create}
          </Button>
        </Form>
      )}
      <QueryState
        isPending={props.pending}
        error={props.error}
        hasData={props.shares !== undefined}
        isEmpty={props.shares?.length === 0}
        emptyText={t.share.none}
      >
        <Table<ShareView>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={props.shares}
          data-testid="shares"
          expandable={{
            rowExpandable: (row) => (row.events?.length ?? 0) > 0,
            expandedRowRender: (row) => (
              <List
                size="small"
                header={t.share.events}
                dataSource={row.events ?? []}
                renderItem={(event) => (
                  <List.Item>
                    <Space>
                      {event.kind === 'open' ? t.share.opens : t.share.downloads}
                      {formatTime(event.at)}
                      <Typography.Text type="secondary">{event.user_agent}</Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            ),
          }}
          columns={[
            {
              title: t.share.url,
              dataIndex: 'url',
              render: (url: string) => <Typography.Text copyable>{url}</Typography.Text>,
            },
            { title: t.share.customerId, dataIndex: 'customer_id', ellipsis: true, width: 120 },
            {
              title: t.share.expires,
              dataIndex: 'expires_at',
              width: 160,
              render: (value: string) =>
                dayjs(value).isBefore(dayjs()) ? <Tag color="error">{t.expired}</Tag> : formatTime(value),
            },
            {
              title: t.share.code,
              dataIndex: 'has_access_code',
              width: 70,
              render: (has: boolean) => (has ? t.share.yes : t.share.no),
            },
            { title: t.share.opens, dataIndex: 'opens', width: 60 },
            { title: t.share.downloads, dataIndex: 'downloads', width: 60 },
          ]}
        />
      </QueryState>
    </>
  );
}

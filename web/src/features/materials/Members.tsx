import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Popconfirm, Select, Space, Table } from 'antd';
import {
  materialsListMembersOptions,
  materialsListMembersQueryKey,
  materialsRemoveMemberMutation,
  materialsSetMemberMutation,
  usersUserDirectoryOptions,
} from '../../client/@tanstack/react-query.gen';
import type { LibraryView, MemberIn, MemberView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { formatTime } from '../journeys/labels';

const t = zhCN.materials;
export const PERMISSION_OPTIONS = (Object.keys(t.permissions) as MemberIn['permission'][]).map((value) => ({
  value,
  label: t.permissions[value],
}));

/** A library's members and their permissions; managers (and tenant admins) change them, picking new members
 * from the tenant's directory. */
export function Members({ library }: { library: LibraryView }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const path = { library_id: library.id };
  const manage = library.permission === 'manager';
  const list = useQuery(materialsListMembersOptions({ path }));
  // Whoever manages the library picks from the tenant's directory (active users; the members already in
  // it are left out of the picker, their permission is changed in the table).
  const users = useQuery({ ...usersUserDirectoryOptions(), enabled: manage });
  const members = new Set((list.data ?? []).map((m) => m.user_id));
  const refresh = () => queryClient.invalidateQueries({ queryKey: materialsListMembersQueryKey({ path }) });
  const failed = (error: unknown) => message.error(isApiError(error) ? error.detail : String(error));
  const set = useMutation({
    ...materialsSetMemberMutation(),
    onSuccess: () => void refresh(),
    onError: failed,
  });
  const remove = useMutation({
    ...materialsRemoveMemberMutation(),
    onSuccess: () => void refresh(),
    onError: failed,
  });
  const [form] = Form.useForm<MemberIn>();
  return (
    <>
      {manage && (
        <Form<MemberIn>
          form={form}
          layout="inline"
          initialValues={{ permission: 'viewer' }}
          onFinish={(body) => set.mutate({ path, body }, { onSuccess: () => form.resetFields() })}
          style={{ marginBottom: 12 }}
        >
          <Form.Item name="user_id" rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              placeholder={t.members.userId}
              loading={users.isPending}
              notFoundContent={users.isError ? t.members.directoryFailed : undefined}
              style={{ width: 200 }}
              options={(users.data ?? [])
                .filter((u) => !members.has(u.id))
                .map((u) => ({ value: u.id, label: u.display_name }))}
              data-testid="member-user"
            />
          </Form.Item>
          <Form.Item name="permission">
            <Select options={PERMISSION_OPTIONS} style={{ width: 100 }} />
          </Form.Item>
          <Button htmlType="submit" loading={set.isPending}>
            {t.members.add}
          </Button>
        </Form>
      )}
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={list.data?.length === 0}
        emptyText={t.members.empty}
        onRetry={() => list.refetch()}
      >
        <Table<MemberView>
          rowKey="user_id"
          size="small"
          pagination={false}
          dataSource={list.data}
          data-testid="members"
          columns={[
            { title: t.members.user, dataIndex: 'username' },
            {
              title: t.members.permission,
              dataIndex: 'permission',
              width: 140,
              render: (value: MemberIn['permission'], row) =>
                manage ? (
                  <Select
                    size="small"
                    value={value}
                    options={PERMISSION_OPTIONS}
                    onChange={(permission) =>
                      set.mutate({ path, body: { user_id: row.user_id, permission } })
                    }
                    style={{ width: 100 }}
                  />
                ) : (
                  t.permissions[value]
                ),
            },
            { title: t.members.addedAt, dataIndex: 'created_at', width: 170, render: formatTime },
            {
              title: '',
              width: 80,
              render: (_, row) =>
                manage ? (
                  <Space>
                    <Popconfirm
                      title={t.members.remove}
                      onConfirm={() => remove.mutate({ path: { ...path, user_id: row.user_id } })}
                    >
                      <Button size="small" danger>
                        {t.members.remove}
                      </Button>
                    </Popconfirm>
                  </Space>
                ) : null,
            },
          ]}
        />
      </QueryState>
    </>
  );
}

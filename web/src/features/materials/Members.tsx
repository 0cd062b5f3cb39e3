import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table } from 'antd';
import {
  materialsListMembersOptions,
  materialsListMembersQueryKey,
  materialsRemoveMemberMutation,
  materialsSetMemberMutation,
  usersListUsersOptions,
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

/** A library's members and their permissions; managers (and tenant admins) change them. */
export function Members({ library, isAdmin }: { library: LibraryView; isAdmin: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const path = { library_id: library.id };
  const manage = library.permission === 'manager';
  const list = useQuery(materialsListMembersOptions({ path }));
  // Only admins may list the tenant's users; others name a member by id.
  const users = useQuery({ ...usersListUsersOptions(), enabled: manage && isAdmin });
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
            {isAdmin ? (
              <Select
                showSearch
                optionFilterProp="label"
                placeholder={t.members.userId}
                style={{ width: 200 }}
                options={(users.data ?? []).map((u) => ({
                  value: u.id,
                  label: u.display_name || u.username,
                }))}
              />
            ) : (
              <Input placeholder={t.members.userIdPlaceholder} style={{ width: 200 }} />
            )}
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

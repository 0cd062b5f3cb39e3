import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Select, Switch, Table } from 'antd';
import { useState } from 'react';
import {
  usersChangeUserMutation,
  usersCreateUserMutation,
  usersListUsersOptions,
  usersListUsersQueryKey,
} from '../../client/@tanstack/react-query.gen';
import type { NewUser, UserView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { FormModal } from './FormModal';

const t = zhCN.insights.settings;
const ROLE_OPTIONS = Object.entries(zhCN.menu.roles).map(([value, label]) => ({ value, label }));

/** The tenant's users (admins only): create, change a role, disable; the BFF keeps one active admin. */
export function UsersTab() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery(usersListUsersOptions());
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: usersListUsersQueryKey() });
  const create = useMutation({ ...usersCreateUserMutation(), onSuccess: refresh });
  const change = useMutation({
    ...usersChangeUserMutation(),
    onSuccess: refresh,
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });

  return (
    <>
      <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setCreating(true)}>
        {t.newUser}
      </Button>
      <QueryState
        isPending={list.isPending}
        error={list.error}
        hasData={list.data !== undefined}
        isEmpty={list.data?.length === 0}
        onRetry={() => list.refetch()}
      >
        <Table<UserView>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={list.data}
          columns={[
            { title: t.username, dataIndex: 'username' },
            { title: t.displayName, dataIndex: 'display_name' },
            {
              title: t.role,
              dataIndex: 'role',
              width: 160,
              render: (role: string, row) => (
                <Select
                  size="small"
                  value={role}
                  options={ROLE_OPTIONS}
                  style={{ width: 120 }}
                  onChange={(value) =>
                    change.mutate({ path: { user_id: row.id }, body: { role: value as NewUser['role'] } })
                  }
                />
              ),
            },
            {
              title: t.enabled,
              dataIndex: 'disabled',
              width: 90,
              render: (disabled: boolean, row) => (
                <Switch
                  size="small"
                  checked={!disabled}
                  onChange={(on) => change.mutate({ path: { user_id: row.id }, body: { disabled: !on } })}
                />
              ),
            },
          ]}
        />
      </QueryState>
      <FormModal<NewUser>
        open={creating}
        title={t.newUser}
        initialValues={{ role: 'operator' }}
        onClose={() => setCreating(false)}
        onSubmit={(body) => create.mutateAsync({ body })}
      >
        {() => (
          <>
            <Form.Item
              name="username"
              label={t.username}
              rules={[{ required: true, whitespace: true, message: t.required }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="display_name" label={t.displayName}>
              <Input />
            </Form.Item>
            <Form.Item name="role" label={t.role} rules={[{ required: true, message: t.required }]}>
              <Select options={ROLE_OPTIONS} />
            </Form.Item>
            <Form.Item
              name="password"
              label={t.password}
              rules={[
                { required: true, message: t.required },
                { min: 8, message: t.passwordRule },
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </>
        )}
      </FormModal>
    </>
  );
}

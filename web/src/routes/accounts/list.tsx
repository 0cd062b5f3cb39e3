import { ApiOutlined, LinkOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Avatar,
  Button,
  Card,
  Popconfirm,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useSearchParams } from 'react-router';
import {
  douyinAccountsListAccountsOptions,
  douyinAccountsListAccountsQueryKey,
} from '../../client/@tanstack/react-query.gen';
import { douyinAccountsUnbindAccount } from '../../client/sdk.gen';
import type { AccountView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import {
  healthColor,
  healthLabel,
  needsRebind,
  SERVICE_TAGS,
  serviceLevel,
} from '../../features/accounts/labels';
import { useStartBinding } from '../../features/accounts/useBinding';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { formatTime } from '../../features/contents/labels';
import { isApiError } from '../../lib/api';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.accounts;

/** The outcome a code names, in words; an unknown code gets a general line, never text from the address. */
export function failureText(code: string | null): string {
  const known = t.returned.codes as Record<string, string>;
  return (code && Object.hasOwn(known, code) && known[code]) || t.returned.unknownCode;
}

/** What the BFF's callback sent the browser back with, shown above the list until closed. */
function ReturnNotice({ accounts }: { accounts: AccountView[] | undefined }) {
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  if (!status) return null;
  const account = accounts?.find((a) => a.id === params.get('account_id'));
  const close = () => {
    const next = new URLSearchParams(params);
    for (const name of ['status', 'account_id', 'code']) next.delete(name);
    setParams(next, { replace: true });
  };
  let type: 'success' | 'info' | 'error' = 'info';
  let message: string = t.returned.unknownCode;
  let description: string | undefined;
  if (status === 'bound') {
    type = 'success';
    message = account
      ? fmt(t.returned.boundNamed, { name: account.nickname || account.open_id })
      : t.returned.bound;
  } else if (status === 'pending') {
    message = t.returned.pending;
  } else if (status === 'failed') {
    type = 'error';
    message = t.returned.failed;
    description = failureText(params.get('code'));
  }
  return (
    <Alert
      type={type}
      showIcon
      closable
      onClose={close}
      message={message}
      description={description}
      data-testid="bind-result"
      style={{ marginBottom: 16 }}
    />
  );
}

/** The tenant's Douyin accounts: health with its reason, customer-service readiness, bind, rebind, unbind. */
export function AccountsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const canManage = canSee(me.data?.role, 'accounts.manage');
  const [params, setParams] = useSearchParams();
  const includeUnbound = params.get('unbound') === '1';
  const query = { include_unbound: includeUnbound };
  const list = useQuery(douyinAccountsListAccountsOptions({ query }));
  const binding = useStartBinding();
  const unbind = useMutation({
    mutationFn: async (account: AccountView) => {
      await douyinAccountsUnbindAccount({
        path: { account_id: account.id },
        headers: { 'idempotency-key': crypto.randomUUID() },
        throwOnError: true,
      });
      return account;
    },
    onSuccess: (account) => {
      message.success(fmt(t.unbound, { name: account.nickname || account.open_id }));
      void queryClient.invalidateQueries({ queryKey: douyinAccountsListAccountsQueryKey() });
    },
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });

  // The browser leaves for the consent page on success, so the button keeps spinning until it has.
  const bindButton = (label: string, primary: boolean, small: boolean, testId: string) => (
    <Button
      type={primary ? 'primary' : 'default'}
      size={small ? 'small' : 'middle'}
      icon={<LinkOutlined />}
      loading={binding.isPending || binding.isSuccess}
      onClick={() => binding.mutate()}
      data-testid={testId}
    >
      {label}
    </Button>
  );

  return (
    <RoleGate page="accounts.list">
      <Card
        title={t.listTitle}
        extra={
          <Space>
            <Space size={4}>
              <Switch
                size="small"
                checked={includeUnbound}
                onChange={(on) => {
                  const next = new URLSearchParams(params);
                  if (on) next.set('unbound', '1');
                  else next.delete('unbound');
                  setParams(next);
                }}
                data-testid="show-unbound"
              />
              <Typography.Text type="secondary">{t.showUnbound}</Typography.Text>
            </Space>
            {canManage && bindButton(t.bind, true, false, 'bind-account')}
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
        <ReturnNotice accounts={list.data} />
        {binding.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            message={isApiError(binding.error) ? binding.error.detail : String(binding.error)}
          />
        )}
        <QueryState
          isPending={list.isPending}
          error={list.error}
          hasData={list.data !== undefined}
          isEmpty={list.data?.length === 0}
          emptyText={t.empty}
          onRetry={() => list.refetch()}
        >
          <Table<AccountView>
            rowKey="id"
            pagination={false}
            loading={list.isFetching && !list.isPending}
            dataSource={list.data}
            data-testid="accounts"
            onRow={(row) =>
              ({ 'data-testid': `account-${row.open_id}` }) as React.HTMLAttributes<HTMLElement>
            }
            columns={[
              {
                title: t.nickname,
                dataIndex: 'nickname',
                render: (nickname: string, row) => (
                  <Space>
                    <Avatar src={row.avatar || undefined} icon={<ApiOutlined />} size="small" />
                    <Space direction="vertical" size={0}>
                      <span>{nickname || row.open_id}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {row.open_id}
                      </Typography.Text>
                    </Space>
                  </Space>
                ),
              },
              {
                title: t.role,
                dataIndex: 'account_role',
                width: 90,
                render: (role: string) => (role ? t.enterprise : t.personal),
              },
              {
                title: t.health,
                dataIndex: 'health',
                width: 220,
                render: (health: string, row) => (
                  <Space direction="vertical" size={2}>
                    <Tag color={healthColor(health)} data-testid="health">
                      {healthLabel(health)}
                    </Tag>
                    {row.status_reason && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="reason">
                        {t.reason}：{row.status_reason}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
              {
                title: t.customerService,
                key: 'cs',
                width: 240,
                render: (_: unknown, row) => {
                  const tag = SERVICE_TAGS[serviceLevel(row)];
                  const missing = row.customer_service.missing_scopes ?? [];
                  return (
                    <Space direction="vertical" size={2}>
                      <Tooltip title={row.customer_service.reason}>
                        <Tag color={tag.color} data-testid="customer-service">
                          {tag.label}
                        </Tag>
                      </Tooltip>
                      {missing.length > 0 && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {fmt(t.missingScopes, { scopes: missing.join('、') })}
                        </Typography.Text>
                      )}
                    </Space>
                  );
                },
              },
              {
                title: t.accessExpires,
                dataIndex: 'access_expires_at',
                width: 170,
                render: formatTime,
              },
              { title: t.boundAt, dataIndex: 'bound_at', width: 170, render: formatTime },
              ...(canManage
                ? [
                    {
                      title: t.actions,
                      key: 'actions',
                      width: 200,
                      render: (_: unknown, row: AccountView) => (
                        <Space>
                          {bindButton(t.rebind, needsRebind(row), true, 'rebind')}
                          {row.health !== 'unbound' && (
                            <Popconfirm
                              title={fmt(t.unbindConfirm, { name: row.nickname || row.open_id })}
                              okText={t.unbindOk}
                              okButtonProps={{ danger: true, 'data-testid': 'unbind-confirm' }}
                              onConfirm={() => unbind.mutateAsync(row).catch(() => undefined)}
                            >
                              <Button
                                size="small"
                                danger
                                loading={unbind.isPending && unbind.variables?.id === row.id}
                                data-testid="unbind"
                              >
                                {t.unbind}
                              </Button>
                            </Popconfirm>
                          )}
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </QueryState>
      </Card>
    </RoleGate>
  );
}

import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { authLogout } from '../client/sdk.gen';
import { QueryState } from '../components/QueryState';
import { menuItems, selectedKey } from '../features/auth/menu';
import { useMe } from '../features/auth/useMe';
import { clearToken } from '../lib/session';
import { useLiveUpdates } from '../lib/useLive';
import { zhCN } from '../locales/zh-CN';

const { Header, Sider, Content } = Layout;

/** The signed-in frame: side menu by area (filtered by role), user menu with logout, the page. */
export function SignedInLayout() {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: () => authLogout({ throwOnError: true }),
    onSettled: () => {
      clearToken();
      queryClient.clear();
      navigate('/login', { replace: true });
    },
  });
  const role = me.data?.role;
  useLiveUpdates(role !== undefined);
  const roleLabel = role ? ((zhCN.menu.roles as Record<string, string>)[role] ?? role) : '';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider breakpoint="lg" collapsedWidth={0} theme="light" width={208}>
        <div style={{ padding: 16, fontWeight: 600, fontSize: 16 }}>{zhCN.common.appName}</div>
        <Menu
          mode="inline"
          items={menuItems(role)}
          defaultOpenKeys={['create', 'contents', 'customers']}
          selectedKeys={[selectedKey(location.pathname)]}
          onClick={({ key }) => navigate(key)}
          data-testid="side-menu"
        />
      </Sider>
      <Layout>
        <Header
          style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', paddingInline: 24 }}
        >
          <Dropdown
            menu={{
              items: [{ key: 'logout', icon: <LogoutOutlined />, label: zhCN.menu.logout, danger: true }],
              onClick: ({ key }) => key === 'logout' && logout.mutate(),
            }}
          >
            <Button type="text" data-testid="user-menu">
              <Space>
                <UserOutlined />
                <span>{me.data?.username}</span>
                <Typography.Text type="secondary">{roleLabel}</Typography.Text>
                <DownOutlined />
              </Space>
            </Button>
          </Dropdown>
        </Header>
        <Content style={{ margin: 24 }}>
          <QueryState isPending={me.isPending} error={me.error} hasData={me.data !== undefined}>
            <Outlet />
          </QueryState>
        </Content>
      </Layout>
    </Layout>
  );
}

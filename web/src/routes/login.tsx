import { LockOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { authLogin } from '../client/sdk.gen';
import { isApiError } from '../lib/api';
import { safeNext, setToken } from '../lib/session';
import { zhCN } from '../locales/zh-CN';

const t = zhCN.auth;

interface LoginForm {
  tenant?: string;
  username: string;
  password: string;
}

export function loginErrorText(error: unknown): string {
  if (isApiError(error, 401)) return t.wrongPassword;
  if (isApiError(error, 429)) return t.throttled;
  return t.failed;
}

/** The OAuth2 password form of the BFF (`POST /api/v1/auth/token`); back to `next` once signed in. */
export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const login = useMutation({
    mutationFn: async (values: LoginForm) => {
      const { data } = await authLogin({
        body: {
          username: values.username,
          password: values.password,
          tenant: values.tenant || undefined,
          grant_type: 'password',
        },
        throwOnError: true,
      });
      return data;
    },
    onSuccess: (data) => {
      setToken(data.access_token, data.expires_in);
      queryClient.clear();
      navigate(safeNext(params.get('next')), { replace: true });
    },
  });

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f5f5' }}>
      <Card style={{ width: 360 }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          {t.title}
        </Typography.Title>
        {login.isError && (
          <Alert
            type="error"
            showIcon
            message={loginErrorText(login.error)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form<LoginForm> layout="vertical" onFinish={(values) => login.mutate(values)} requiredMark={false}>
          <Form.Item name="tenant" label={t.tenant}>
            <Input prefix={<TeamOutlined />} placeholder={t.tenantPlaceholder} data-testid="login-tenant" />
          </Form.Item>
          <Form.Item name="username" label={t.username} rules={[{ required: true, message: t.required }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t.password} rules={[{ required: true, message: t.required }]}>
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t.submit}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

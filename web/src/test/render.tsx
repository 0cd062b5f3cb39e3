import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { createMemoryRouter, type RouteObject, RouterProvider } from 'react-router';
import { configureApi } from '../lib/api';
import { createQueryClient } from '../lib/queryClient';

/** Renders `element` at `path` (plus any extra routes) with the console's providers and API client. */
export function renderAt(
  path: string,
  routes: RouteObject[],
): { router: ReturnType<typeof createMemoryRouter> } {
  configureApi('http://console.test');
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <ConfigProvider locale={zhCN}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>,
  );
  return { router };
}

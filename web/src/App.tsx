import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
// The ES module: through the CommonJS entry the production build received a namespace, not the locale.
import zhCN from 'antd/es/locale/zh_CN';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import 'dayjs/locale/zh-cn';
import { createQueryClient } from './lib/queryClient';
import { createAppRouter } from './router';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createAppRouter(queryClient));
  return (
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#fe2c55' } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

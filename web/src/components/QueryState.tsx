import { Alert, Button, Empty, Spin } from 'antd';
import type { ReactNode } from 'react';
import { isApiError } from '../lib/api';
import { zhCN } from '../locales/zh-CN';

interface Props {
  isPending: boolean;
  error: unknown;
  isEmpty?: boolean;
  emptyText?: ReactNode;
  onRetry?: () => void;
  children: ReactNode;
}

/** The loading, error and empty states every page meets, in one shape. */
export function QueryState({ isPending, error, isEmpty, emptyText, onRetry, children }: Props) {
  if (isPending) {
    return (
      <div style={{ padding: 48, textAlign: 'center' }} data-testid="loading">
        <Spin tip={zhCN.common.loading}>
          <div style={{ minHeight: 40 }} />
        </Spin>
      </div>
    );
  }
  if (error) {
    return (
      <Alert
        type="error"
        showIcon
        message={zhCN.common.loadFailed}
        description={isApiError(error) ? error.detail : String(error)}
        action={onRetry ? <Button onClick={onRetry}>{zhCN.common.retry}</Button> : undefined}
        data-testid="load-error"
      />
    );
  }
  if (isEmpty) {
    return <Empty description={emptyText ?? zhCN.common.empty} />;
  }
  return <>{children}</>;
}

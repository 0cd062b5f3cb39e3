import { Alert, Button, Empty, Spin } from 'antd';
import { type ReactNode, useState } from 'react';
import { isApiError } from '../lib/api';
import { zhCN } from '../locales/zh-CN';

interface Props {
  isPending: boolean;
  error: unknown;
  /**
   * Whether data was already loaded. TanStack keeps the data when a background refetch fails, so with data the
   * error is shown above the page instead of in place of it (open forms and half-typed text survive).
   */
  hasData?: boolean;
  isEmpty?: boolean;
  emptyText?: ReactNode;
  onRetry?: () => void;
  children: ReactNode;
}

/** The loading, error and empty states every page meets, in one shape. */
export function QueryState({ isPending, error, hasData, isEmpty, emptyText, onRetry, children }: Props) {
  // The error the user closed; a later, different failure shows again.
  const [dismissed, setDismissed] = useState<unknown>(null);
  if (isPending) {
    return (
      <div style={{ padding: 48, textAlign: 'center' }} data-testid="loading">
        <Spin tip={zhCN.common.loading}>
          <div style={{ minHeight: 40 }} />
        </Spin>
      </div>
    );
  }
  const detail = isApiError(error) ? error.detail : String(error);
  const retry = onRetry ? (
    <Button size={hasData ? 'small' : undefined} onClick={onRetry}>
      {zhCN.common.retry}
    </Button>
  ) : undefined;
  if (error && !hasData) {
    return (
      <Alert
        type="error"
        showIcon
        message={zhCN.common.loadFailed}
        description={detail}
        action={retry}
        data-testid="load-error"
      />
    );
  }
  // One shape with or without the alert, so the children keep their state when it comes and goes.
  return (
    <>
      {error && error !== dismissed ? (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setDismissed(error)}
          message={`${zhCN.common.refreshFailed}：${detail}`}
          action={retry}
          style={{ marginBottom: 12 }}
          data-testid="refresh-error"
        />
      ) : null}
      {isEmpty ? <Empty description={emptyText ?? zhCN.common.empty} /> : children}
    </>
  );
}

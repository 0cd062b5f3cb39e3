import { Button, Result } from 'antd';
import { zhCN } from '../locales/zh-CN';

/** What a route shows when its code or loader failed (e.g. a chunk that no longer exists after a deploy). */
export function RouteError() {
  return (
    <Result
      status="error"
      title={zhCN.common.loadFailed}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {zhCN.common.retry}
        </Button>
      }
    />
  );
}

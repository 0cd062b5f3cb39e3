import { Alert, Button } from 'antd';
import { zhCN } from '../locales/zh-CN';

/** What a route shows when its code or loader failed (e.g. a chunk that no longer exists after a deploy).
 * An Alert, not a Result: Result carries its illustrations into the entry chunk every page loads. */
export function RouteError() {
  return (
    <Alert
      type="error"
      showIcon
      style={{ margin: 24 }}
      message={zhCN.common.loadFailed}
      action={
        <Button type="primary" onClick={() => window.location.reload()}>
          {zhCN.common.retry}
        </Button>
      }
    />
  );
}

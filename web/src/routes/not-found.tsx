import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { zhCN } from '../locales/zh-CN';

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title={zhCN.common.notFound}
      extra={
        <Link to="/">
          <Button type="primary">{zhCN.common.backHome}</Button>
        </Link>
      }
    />
  );
}

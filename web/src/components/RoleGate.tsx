import { Alert } from 'antd';
import type { ReactNode } from 'react';
import { canSee, type PageKey } from '../features/auth/roles';
import { useMe } from '../features/auth/useMe';
import { zhCN } from '../locales/zh-CN';

/** A page a role may not use says so (its menu item is hidden; a typed address still lands here). */
export function RoleGate({ page, children }: { page: PageKey; children: ReactNode }) {
  const me = useMe();
  if (me.data && !canSee(me.data.role, page)) {
    return (
      <div data-testid="forbidden">
        <Alert type="warning" showIcon message={zhCN.common.forbidden} />
      </div>
    );
  }
  return <>{children}</>;
}

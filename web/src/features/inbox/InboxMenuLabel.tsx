import { Badge } from 'antd';
import { useUnreadCount, useUnreadCounter } from './unread';

/** The inbox's menu entry with a badge counting new customer messages not yet looked at. */
export function InboxMenuLabel({ label }: { label: string }) {
  useUnreadCounter();
  const count = useUnreadCount();
  return (
    <span data-testid="menu-inbox">
      {label} <Badge count={count} size="small" offset={[4, -2]} data-testid="inbox-badge" />
    </span>
  );
}

/** The customers area's menu label, always rendered: it keeps the count while the area is folded. */
export function CustomersAreaLabel({ label }: { label: string }) {
  useUnreadCounter();
  const count = useUnreadCount();
  return (
    <span>
      {label} <Badge dot={count > 0} offset={[4, -2]} />
    </span>
  );
}

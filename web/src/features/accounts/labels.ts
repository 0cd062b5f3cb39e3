import type { AccountView } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.accounts;

const HEALTH_COLORS: Record<string, string> = {
  ok: 'success',
  expiring: 'warning',
  needs_reconnect: 'error',
  revoked: 'error',
  unbound: 'default',
};

export function healthLabel(health: string): string {
  return (t.healths as Record<string, string>)[health] ?? health;
}

export function healthColor(health: string): string {
  return HEALTH_COLORS[health] ?? 'default';
}

/** What an operator can do about an account: reconnect it when its authorisation is gone or going. */
export function needsRebind(account: Pick<AccountView, 'health'>): boolean {
  return account.health !== 'ok';
}

export type ServiceLevel = 'ready' | 'partial' | 'not_ready';

/** Customer service runs when private messages are granted; other scopes missing make it partial. */
export function serviceLevel(account: Pick<AccountView, 'customer_service'>): ServiceLevel {
  const cs = account.customer_service;
  if (!cs.ready) return 'not_ready';
  return (cs.missing_scopes?.length ?? 0) > 0 ? 'partial' : 'ready';
}

export const SERVICE_TAGS: Record<ServiceLevel, { color: string; label: string }> = {
  ready: { color: 'success', label: t.csReady },
  partial: { color: 'warning', label: t.csPartial },
  not_ready: { color: 'default', label: t.csNotReady },
};

import { zhCN } from '../../locales/zh-CN';

const t = zhCN.contents;

export const KIND_OPTIONS = Object.entries(t.kinds).map(([value, label]) => ({ value, label }));
export const STATUS_OPTIONS = Object.entries(t.statuses).map(([value, label]) => ({ value, label }));

export function kindLabel(kind: string): string {
  return (t.kinds as Record<string, string>)[kind] ?? kind;
}

export function statusLabel(status: string): string {
  return (t.statuses as Record<string, string>)[status] ?? status;
}

export function publishEventLabel(event: string): string {
  return (t.publishEvents as Record<string, string>)[event] ?? event;
}

const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  ready: 'blue',
  publishing: 'processing',
  under_review: 'processing',
  published: 'success',
  rejected: 'error',
  failed: 'error',
  unconfirmed: 'warning',
  archived: 'default',
};

export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? 'default';
}

export function formatTime(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString('zh-CN', { hour12: false });
}

import dayjs from 'dayjs';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.customers;

export const LEVEL_COLORS: Record<string, string> = { cold: 'blue', warm: 'orange', hot: 'red' };

export function levelLabel(level: string): string {
  return (t.levels as Record<string, string>)[level] ?? level;
}

export function scoreEventLabel(eventType: string): string {
  return (t.scoreEvents as Record<string, string>)[eventType] ?? eventType;
}

export function taskStatusLabel(status: string): string {
  return (t.statuses as Record<string, string>)[status] ?? status;
}

export function enrolmentStatusLabel(status: string): string {
  return (t.enrolmentStatuses as Record<string, string>)[status] ?? status;
}

export function exitReasonLabel(reason: string): string {
  return (t.exitReasons as Record<string, string>)[reason] ?? reason;
}

export function time(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '–';
}

/** Roles that work conversations and tasks (the BFF's AGENT_ROLES). */
export const AGENT_ROLES = ['admin', 'operator', 'agent'] as const;

export function worksCustomers(role: string | undefined): boolean {
  return role !== undefined && (AGENT_ROLES as readonly string[]).includes(role);
}

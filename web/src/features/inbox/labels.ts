import { zhCN } from '../../locales/zh-CN';

const t = zhCN.inbox;

export const STATES = ['waiting_human', 'human', 'bot', 'closed'] as const;
export type ConversationState = (typeof STATES)[number];

export const STATE_COLORS: Record<string, string> = {
  waiting_human: 'orange',
  human: 'green',
  bot: 'blue',
  closed: 'default',
};

export function stateLabel(state: string): string {
  return (t.states as Record<string, string>)[state] ?? state;
}

export function authorLabel(author: string): string {
  return (t.authors as Record<string, string>)[author] ?? author;
}

export function messageStatusLabel(status: string): string {
  return (t.statuses as Record<string, string>)[status] ?? status;
}

export function isState(value: string | null): value is ConversationState {
  return value !== null && (STATES as readonly string[]).includes(value);
}

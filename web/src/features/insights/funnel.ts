import type { FunnelCounts } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.insights.performance;

export type StageKey = 'contents' | 'views' | 'private_messages' | 'comments' | 'leads' | 'deals';

export interface Stage {
  key: StageKey;
  count: number;
  /** This stage against the one before it (private messages and comments both against views); null
   * when the one before is zero, so no rate is invented. */
  rate: number | null;
}

const ORDER: { key: StageKey; from: StageKey | null }[] = [
  { key: 'contents', from: null },
  { key: 'views', from: 'contents' },
  { key: 'private_messages', from: 'views' },
  { key: 'comments', from: 'views' },
  { key: 'leads', from: 'private_messages' },
  { key: 'deals', from: 'leads' },
];

/** The funnel content → views → private messages and comments → leads → deals, with each step's rate. */
export function funnelStages(counts: FunnelCounts): Stage[] {
  const value = (key: StageKey) => counts[key] ?? 0;
  return ORDER.map(({ key, from }) => {
    const before = from === null ? 0 : value(from);
    return { key, count: value(key), rate: from === null || before === 0 ? null : value(key) / before };
  });
}

/** A share as a percentage with one decimal, or a dash when there is none. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;
}

/** Fen as yuan, grouped. */
export function yuan(fen: number | undefined): string {
  return `¥${((fen ?? 0) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Seconds as the largest sensible unit. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return t.seconds(String(Math.round(seconds)));
  if (seconds < 3600) return t.minutes((seconds / 60).toFixed(1));
  return t.hours((seconds / 3600).toFixed(1));
}

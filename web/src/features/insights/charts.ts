import type { Breakdown, DayPoint, SeriesPoint } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';
import type { ChartOption } from './EChart';

const t = zhCN.insights.performance;

/** Plays as bars, likes, comments and shares as lines on their own axis: plays dwarf the rest. */
function countsChart(
  labels: string[],
  counts: { play?: number; digg?: number; comment?: number; share?: number }[],
): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: labels },
    yAxis: [
      { type: 'value', name: t.plays },
      { type: 'value', name: t.likes },
    ],
    series: [
      { type: 'bar', name: t.plays, data: counts.map((c) => c.play ?? 0) },
      { type: 'line', name: t.likes, yAxisIndex: 1, data: counts.map((c) => c.digg ?? 0) },
      { type: 'line', name: t.comments, yAxisIndex: 1, data: counts.map((c) => c.comment ?? 0) },
      { type: 'line', name: t.shares, yAxisIndex: 1, data: counts.map((c) => c.share ?? 0) },
    ],
  } as ChartOption;
}

/** The dashboard's engagement by day or week. */
export function periodChart(rows: Breakdown[]): ChartOption {
  return countsChart(
    rows.map((row) => row.label || row.key),
    rows.map((row) => row.counts),
  );
}

/** An account's growth per local day. */
export function accountChart(points: DayPoint[]): ChartOption {
  return countsChart(
    points.map((point) => point.day),
    points.map((point) => point.growth),
  );
}

/** An item's snapshots: running totals against capture time. */
export function itemChart(points: SeriesPoint[]): ChartOption {
  return countsChart(
    points.map((point) => new Date(point.captured_at).toLocaleString('zh-CN', { hour12: false })),
    points.map((point) => point.counts),
  );
}

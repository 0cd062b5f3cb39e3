import { describe, expect, it } from 'vitest';
import { duration, funnelStages, percent, yuan } from './funnel';

describe('funnelStages', () => {
  it('rates each stage against the one before, messages and comments both against views', () => {
    const stages = funnelStages({
      contents: 4,
      views: 1000,
      private_messages: 50,
      comments: 20,
      leads: 10,
      deals: 2,
    });
    expect(stages.map((s) => [s.key, s.count, s.rate])).toEqual([
      ['contents', 4, null],
      ['views', 1000, 250],
      ['private_messages', 50, 0.05],
      ['comments', 20, 0.02],
      ['leads', 10, 0.2],
      ['deals', 2, 0.2],
    ]);
  });

  it('invents no rate after an empty stage and reads missing counts as zero', () => {
    const stages = funnelStages({ leads: 3 });
    expect(stages.find((s) => s.key === 'leads')).toEqual({ key: 'leads', count: 3, rate: null });
    expect(stages.find((s) => s.key === 'deals')).toEqual({ key: 'deals', count: 0, rate: 0 });
  });
});

describe('formatting', () => {
  it('shows shares, money and durations', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(null)).toBe('–');
    expect(yuan(123456)).toBe('¥1,234.56');
    expect(duration(42)).toBe('42 秒');
    expect(duration(90)).toBe('1.5 分钟');
    expect(duration(7200)).toBe('2.0 小时');
    expect(duration(null)).toBe('–');
  });
});

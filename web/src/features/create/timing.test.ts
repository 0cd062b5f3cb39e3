import { describe, expect, it } from 'vitest';
import { clock, shotsStart, timeline } from './timing';

describe('shot timing', () => {
  it('starts the first shot after the hook and each next one where the last ended', () => {
    const shots = [{ duration_seconds: 5 }, { duration_seconds: 7.5 }, { duration_seconds: 3 }];
    expect(timeline(3, shots).map(({ start, end }) => [start, end])).toEqual([
      [3, 8],
      [8, 15.5],
      [15.5, 18.5],
    ]);
  });

  it('writes seconds as a clock', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(8)).toBe('0:08');
    expect(clock(15.5)).toBe('0:15.5');
    expect(clock(75)).toBe('1:15');
  });

  it('starts the shots at 0 where the hook is shot 1, after the hook where the total counts it apart', () => {
    const hook = { duration_seconds: 3 };
    const shots = [{ duration_seconds: 3 }, { duration_seconds: 7.5 }];
    expect(shotsStart({ hook, shots, total_duration_seconds: 10.5 })).toBe(0);
    expect(shotsStart({ hook, shots, total_duration_seconds: 13.5 })).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { phaseOf, progressPercent } from './progress';

describe('generation progress', () => {
  it('reads the workflow status into a phase', () => {
    expect(phaseOf(undefined, false)).toBe('idle');
    expect(phaseOf(undefined, true)).toBe('starting');
    expect(phaseOf({ status: 'running' }, true)).toBe('running');
    expect(phaseOf({ status: 'completed' }, true)).toBe('done');
    expect(phaseOf({ status: 'failed' }, true)).toBe('failed');
    expect(phaseOf({ status: 'terminated' }, true)).toBe('failed');
  });

  it('moves while running, never reaching 100 before the result', () => {
    const early = progressPercent('running', 500);
    const late = progressPercent('running', 60_000);
    expect(early).toBeGreaterThan(progressPercent('starting', 0));
    expect(late).toBeGreaterThan(early);
    expect(late).toBeLessThanOrEqual(95);
    expect(progressPercent('done', 10)).toBe(100);
  });
});

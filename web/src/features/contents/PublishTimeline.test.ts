import { describe, expect, it } from 'vitest';
import { FALLBACK_POLL_MS, pollInterval } from './PublishTimeline';

describe('publish timeline refresh', () => {
  const moving = [{ status: 'published' }, { status: 'under_review' }];
  const settled = [{ status: 'published' }, { status: 'failed' }];

  it('leaves a live stream to refetch it, polling only while the stream is down and a publish moves', () => {
    expect(pollInterval('live', moving)).toBe(false);
    expect(pollInterval('polling', moving)).toBe(FALLBACK_POLL_MS);
    expect(pollInterval('connecting', moving)).toBe(FALLBACK_POLL_MS);
    expect(pollInterval('polling', settled)).toBe(false);
    expect(pollInterval('polling', undefined)).toBe(false);
  });
});

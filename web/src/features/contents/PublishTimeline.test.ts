import { describe, expect, it } from 'vitest';
import { publishEventLabel } from './labels';
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

  it('names what happened on the way in Chinese, and an event it does not know by its code', () => {
    expect(publishEventLabel('validated')).toBe('校验通过');
    expect(publishEventLabel('reconciled_found')).toBe('对账找到已发布作品');
    expect(publishEventLabel('something_new')).toBe('something_new');
  });
});

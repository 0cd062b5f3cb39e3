import { describe, expect, it } from 'vitest';
import { splitFlagged } from './highlight';

describe('splitFlagged', () => {
  it('marks every occurrence of each flagged term', () => {
    expect(splitFlagged('最好的面霜，真的最好', ['最好'])).toEqual([
      { text: '最好', flagged: true },
      { text: '的面霜，真的', flagged: false },
      { text: '最好', flagged: true },
    ]);
  });

  it('prefers the longer of two overlapping terms and escapes regex characters', () => {
    expect(splitFlagged('全网第一(真)', ['第一', '全网第一', '(真)'])).toEqual([
      { text: '全网第一', flagged: true },
      { text: '(真)', flagged: true },
    ]);
  });

  it('leaves a text without findings whole', () => {
    expect(splitFlagged('平平无奇', [])).toEqual([{ text: '平平无奇', flagged: false }]);
    expect(splitFlagged('', ['x'])).toEqual([]);
  });
});

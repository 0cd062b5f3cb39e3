import { describe, expect, it } from 'vitest';
import { diffVersions, fieldsOf } from './diff';

describe('version diff', () => {
  it('compares title and each body field, leaving the stored request out', () => {
    const before = {
      title: '夏季防晒',
      body: { body: '最好的面霜', hashtags: ['#a'], request: { topic: 'x' } },
    };
    const after = {
      title: '夏季防晒攻略',
      body: { body: '最好的面霜', hashtags: ['#a', '#b'], request: { topic: 'y' } },
    };
    const diffs = diffVersions(before, after);
    expect(diffs.map((d) => [d.key, d.changed])).toEqual([
      ['title', true],
      ['body.body', false],
      ['body.hashtags', true],
    ]);
    const title = diffs[0];
    expect(title.parts.filter((p) => p.added).map((p) => p.value)).toEqual(['攻略']);
    expect(title.parts.filter((p) => p.removed)).toEqual([]);
  });

  it('keeps the version title apart from a title field of the body', () => {
    const diffs = diffVersions({ title: 'a', body: { title: 'x' } }, { title: 'b', body: { title: 'x' } });
    expect(diffs.map((d) => [d.key, d.changed])).toEqual([
      ['title', true],
      ['body.title', false],
    ]);
  });

  it('reads title candidates one per line and marks a field only one side has', () => {
    expect(fieldsOf({ title: 't', body: { candidates: [{ text: '一' }, { text: '二' }] } })).toEqual([
      { key: 'title', text: 't' },
      { key: 'body.candidates', text: '一\n二' },
    ]);
    const [, , extra] = diffVersions(
      { title: 't', body: { a: '1' } },
      { title: 't', body: { a: '1', note: '新' } },
    );
    expect(extra).toMatchObject({ key: 'body.note', changed: true });
    expect(extra.parts).toEqual([expect.objectContaining({ added: true, value: '新' })]);
  });
});

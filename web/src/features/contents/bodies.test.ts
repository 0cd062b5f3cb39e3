import { describe, expect, it } from 'vitest';
import {
  type BodyValues,
  blankShot,
  bodyOf,
  changedBody,
  MANUAL_FORMULA,
  move,
  problemsOf,
  readBody,
  valuesOf,
} from './bodies';

const REQUEST = { topic: '烘焙' };
const TITLES = {
  candidates: [
    { text: '3 个烘焙误区', formula: 'number', length: 7, pattern: 'number_list', evidence: null },
    { text: '烤箱别再这样用', formula: 'contrast', length: 7, pattern: null, evidence: null },
  ],
  request: REQUEST,
};
const COPY = {
  copies: [
    { platform: 'douyin', title: '周末烘焙', body: '一起做蛋糕', hashtags: ['#烘焙'] },
    { platform: 'xiaohongshu', title: '亲子烘焙', body: '周末和孩子', hashtags: ['#亲子#'] },
  ],
  request: REQUEST,
};
const POST = {
  platform: 'xiaohongshu',
  title: '露营清单',
  body: '带上这些',
  hashtags: ['#露营#'],
  images: [
    { description: '帐篷', caption: '帐篷', text: '选双层' },
    { description: '睡袋', caption: '睡袋', text: '' },
  ],
  request: REQUEST,
};
const shot = (index: number, seconds: number, line: string) => ({
  index,
  duration_seconds: seconds,
  shot_size: '近景',
  camera_movement: '固定',
  visual: '画面',
  on_screen_text: '字幕',
  line,
});
const SCRIPT = {
  title: '三步做蛋糕',
  script_type: 'tutorial',
  hook: { text: '你也能做', visual: '成品', duration_seconds: 3 },
  shots: [shot(1, 3, '你也能做'), shot(2, 4, '先打蛋'), shot(3, 6, '再烤')],
  call_to_action: '关注我',
  total_duration_seconds: 13,
  request: REQUEST,
};

function as<K extends BodyValues['kind']>(values: BodyValues, kind: K): Extract<BodyValues, { kind: K }> {
  if (values.kind !== kind) throw new Error(`expected ${kind}, got ${values.kind}`);
  return values as Extract<BodyValues, { kind: K }>;
}

describe('reading a body by its kind', () => {
  it('knows each kind’s shape, with or without the stored request', () => {
    expect(readBody('titles', TITLES)?.kind).toBe('titles');
    expect(readBody('copywriting', COPY)?.kind).toBe('copywriting');
    expect(readBody('image_post', POST)?.kind).toBe('image_post');
    expect(readBody('video_script', SCRIPT)?.kind).toBe('video_script');
    const { request: _request, ...bare } = SCRIPT;
    expect(readBody('video_script', bare)?.kind).toBe('video_script');
  });

  it('leaves a body with a field its kind lacks, a wrong type or another kind’s shape to JSON', () => {
    expect(readBody('titles', { ...TITLES, note: 'x' })).toBeNull();
    expect(readBody('video_script', { ...SCRIPT, shots: [{ index: 1 }] })).toBeNull();
    expect(readBody('copywriting', TITLES)).toBeNull();
    expect(readBody('poll', { question: '?' })).toBeNull();
    expect(valuesOf('poll', { question: '?', request: REQUEST })).toEqual({
      kind: 'json',
      text: JSON.stringify({ question: '?' }, null, 2),
    });
  });
});

describe('form values and the body they make', () => {
  it('gives back each body as loaded, without its request, so nothing counts as changed', () => {
    for (const [kind, body] of [
      ['titles', TITLES],
      ['copywriting', COPY],
      ['image_post', POST],
      ['video_script', SCRIPT],
      ['poll', { question: '?' }],
    ] as const) {
      const { request: _request, ...bare } = body as Record<string, unknown>;
      expect(bodyOf(valuesOf(kind, body))).toEqual(bare);
      expect(changedBody(valuesOf(kind, body), body)).toBeUndefined();
    }
  });

  it('edits, adds and removes title candidates, an added one typed by hand with its length counted', () => {
    const values = as(valuesOf('titles', TITLES), 'titles');
    const [first] = values.candidates;
    values.candidates = [
      { ...first, text: '4 个烘焙误区🍰' },
      { key: 'new', text: '新标题', source: null },
    ];
    expect(changedBody(values, TITLES)).toEqual({
      candidates: [
        { text: '4 个烘焙误区🍰', formula: 'number', length: 8, pattern: 'number_list', evidence: null },
        { text: '新标题', formula: MANUAL_FORMULA, length: 3, pattern: null, evidence: null },
      ],
    });
  });

  it('changes one platform’s copy and keeps the other as it was', () => {
    const values = as(valuesOf('copywriting', COPY), 'copywriting');
    values.copies[1] = { ...values.copies[1], body: '周末和孩子一起', hashtags: ['#亲子#', '#烘焙#'] };
    expect(changedBody(values, COPY)).toEqual({
      copies: [
        COPY.copies[0],
        {
          platform: 'xiaohongshu',
          title: '亲子烘焙',
          body: '周末和孩子一起',
          hashtags: ['#亲子#', '#烘焙#'],
        },
      ],
    });
  });

  it('reorders an image post’s images with their words', () => {
    const values = as(valuesOf('image_post', POST), 'image_post');
    values.images = move(values.images, 1, 0);
    const body = changedBody(values, POST) as { images: { caption: string }[] };
    expect(body.images.map((i) => i.caption)).toEqual(['睡袋', '帐篷']);
  });

  it('renumbers reordered shots and keeps the total to the shots, the hook counted as the original did', () => {
    const values = as(valuesOf('video_script', SCRIPT), 'video_script');
    expect(values.extraSeconds).toBe(0);
    values.shots = move(values.shots, 2, 1);
    values.shots[0] = { ...values.shots[0], duration_seconds: 2.5 };
    values.shots = [...values.shots, { ...blankShot(values.shots[2]), line: '收尾' }];
    const body = changedBody(values, SCRIPT) as typeof SCRIPT;
    expect(body.shots.map((s) => [s.index, s.line, s.duration_seconds])).toEqual([
      [1, '你也能做', 2.5],
      [2, '再烤', 6],
      [3, '先打蛋', 4],
      [4, '收尾', 4],
    ]);
    expect(body.total_duration_seconds).toBe(16.5);

    const apart = { ...SCRIPT, total_duration_seconds: 16 };
    const kept = as(valuesOf('video_script', apart), 'video_script');
    expect(kept.extraSeconds).toBe(3);
    kept.shots = kept.shots.slice(1);
    expect((bodyOf(kept) as typeof SCRIPT).total_duration_seconds).toBe(13);
  });

  it('sends a JSON body only when it parses to an object that differs', () => {
    expect(changedBody({ kind: 'json', text: '{"question": "?"}' }, { question: '?' })).toBeUndefined();
    expect(changedBody({ kind: 'json', text: '{"question": "!"}' }, { question: '?' })).toEqual({
      question: '!',
    });
    expect(changedBody({ kind: 'json', text: '[1]' }, { question: '?' })).toBeUndefined();
  });
});

describe('problems that keep an edit from being saved', () => {
  it('names empty, duplicate or missing candidates', () => {
    const values = as(valuesOf('titles', TITLES), 'titles');
    expect(problemsOf(values)).toEqual([]);
    values.candidates = [
      values.candidates[0],
      { ...values.candidates[0], key: 'x' },
      { key: 'y', text: ' ', source: null },
    ];
    expect(problemsOf(values)).toEqual(['候选 3 不能为空', '标题候选不能重复']);
    expect(problemsOf({ kind: 'titles', candidates: [] })).toEqual(['至少保留一个标题候选']);
  });

  it('names a cleared duration, a hook over 3 s, no shots, an empty copy, an empty post title and bad JSON', () => {
    const script = as(valuesOf('video_script', SCRIPT), 'video_script');
    script.hook = { ...script.hook, duration_seconds: 4 };
    script.shots[1] = { ...script.shots[1], duration_seconds: null };
    expect(problemsOf(script)).toEqual(['钩子时长须在 0 到 3 秒之间（不含 0）', '镜头 2 的时长须大于 0']);
    expect(problemsOf({ ...script, shots: [], hook: { ...script.hook, duration_seconds: 3 } })).toEqual([
      '至少保留一个镜头',
    ]);
    const copy = as(valuesOf('copywriting', COPY), 'copywriting');
    copy.copies[0] = { ...copy.copies[0], body: '' };
    expect(problemsOf(copy)).toEqual(['抖音的正文不能为空']);
    const post = as(valuesOf('image_post', POST), 'image_post');
    expect(problemsOf({ ...post, title: ' ' })).toEqual(['标题不能为空']);
    expect(problemsOf({ kind: 'json', text: '{' })).toEqual(['不是有效的 JSON 对象']);
  });
});

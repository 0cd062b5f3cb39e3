import type {
  Hook,
  ImagePostDraft,
  ImageSpec,
  PlatformCopy,
  Shot,
  TitleCandidate,
  VideoScript,
} from '../../client/types.gen';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { charCount, platformLabel } from '../create/platforms';

const t = zhCN.contents.form;

/**
 * A content's body by its kind, as the BFF validates an edited one (api/gateway_bff/schemas/contents.py
 * BODY_MODELS). A body is read as its kind only when it has nothing beyond that kind's fields and the
 * stored `request`, since an edit sending anything else is refused; any other body stays JSON.
 */
export type KnownBody =
  | { kind: 'titles'; candidates: TitleCandidate[] }
  | { kind: 'copywriting'; copies: PlatformCopy[] }
  | ({ kind: 'image_post' } & ImagePostDraft)
  | ({ kind: 'video_script' } & VideoScript);

const FIELDS: Record<KnownBody['kind'], readonly string[]> = {
  titles: ['candidates'],
  copywriting: ['copies'],
  image_post: ['platform', 'title', 'body', 'hashtags', 'images'],
  video_script: ['title', 'script_type', 'hook', 'shots', 'call_to_action', 'total_duration_seconds'],
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const all = <T>(v: unknown, test: (item: unknown) => item is T): v is T[] =>
  Array.isArray(v) && v.every(test);

const isCandidate = (v: unknown): v is TitleCandidate =>
  isObj(v) && isStr(v.text) && isStr(v.formula) && isNum(v.length);
const isCopy = (v: unknown): v is PlatformCopy =>
  isObj(v) && isStr(v.platform) && isStr(v.title) && isStr(v.body) && isStrings(v.hashtags);
const isImage = (v: unknown): v is ImageSpec =>
  isObj(v) && isStr(v.description) && isStr(v.caption) && (v.text === undefined || isStr(v.text));
const isHook = (v: unknown): v is Hook =>
  isObj(v) && isStr(v.text) && isStr(v.visual) && isNum(v.duration_seconds);
const isShot = (v: unknown): v is Shot =>
  isObj(v) &&
  isNum(v.index) &&
  isNum(v.duration_seconds) &&
  isStr(v.shot_size) &&
  isStr(v.camera_movement) &&
  isStr(v.visual) &&
  isStr(v.on_screen_text) &&
  isStr(v.line);

/** The body without the stored request: what an edit sends back (the BFF keeps the request itself). */
export function editable(body: Obj): Obj {
  const { request: _request, ...rest } = body;
  return rest;
}

/** The body typed by its kind, or null when it is not the shape that kind's pages and edits know. */
export function readBody(kind: string, body: Obj): KnownBody | null {
  if (!(kind in FIELDS)) return null;
  const known = FIELDS[kind as KnownBody['kind']];
  if (Object.keys(editable(body)).some((key) => !known.includes(key))) return null;
  const b = body;
  switch (kind) {
    case 'titles':
      return all(b.candidates, isCandidate) ? { kind, candidates: b.candidates } : null;
    case 'copywriting':
      return all(b.copies, isCopy) ? { kind, copies: b.copies } : null;
    case 'image_post':
      return isStr(b.platform) &&
        isStr(b.title) &&
        isStr(b.body) &&
        isStrings(b.hashtags) &&
        all(b.images, isImage)
        ? ({ kind, ...b } as KnownBody)
        : null;
    case 'video_script':
      return isStr(b.title) &&
        isStr(b.script_type) &&
        isHook(b.hook) &&
        all(b.shots, isShot) &&
        isStr(b.call_to_action) &&
        isNum(b.total_duration_seconds)
        ? ({ kind, ...b } as KnownBody)
        : null;
    default:
      return null;
  }
}

// -- the edit form's values --------------------------------------------------------------------------

/** A row of a list that can be added to, removed from or reordered: `key` keeps its inputs in place. */
interface Keyed {
  key: string;
}

/** A title candidate: its text is edited; `source` is the generated one it started as (null: added). */
export interface CandidateRow extends Keyed {
  text: string;
  source: TitleCandidate | null;
}

export interface CopyRow {
  platform: PlatformCopy['platform'];
  title: string;
  body: string;
  hashtags: string[];
}

export interface ImageRow extends Keyed {
  description: string;
  caption: string;
  text: string;
}

/** A shot as edited; its index is its place in the table, and a cleared duration is null until refilled. */
export interface ShotRow extends Keyed {
  duration_seconds: number | null;
  shot_size: string;
  camera_movement: string;
  visual: string;
  on_screen_text: string;
  line: string;
}

export type BodyValues =
  | { kind: 'titles'; candidates: CandidateRow[] }
  | { kind: 'copywriting'; copies: CopyRow[] }
  | {
      kind: 'image_post';
      platform: ImagePostDraft['platform'];
      title: string;
      body: string;
      hashtags: string[];
      images: ImageRow[];
    }
  | {
      kind: 'video_script';
      title: string;
      script_type: VideoScript['script_type'];
      hook: { text: string; visual: string; duration_seconds: number | null };
      shots: ShotRow[];
      call_to_action: string;
      /** What the total had beyond its shots when loaded (0 where the hook is shot 1, as generated). */
      extraSeconds: number;
    }
  | { kind: 'json'; text: string };

let nextKey = 0;
/** A key for a new row (unique in this page; never sent). */
export function rowKey(): string {
  nextKey += 1;
  return `row-${nextKey}`;
}

const sum = (values: readonly (number | null)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
const tenths = (seconds: number) => Math.round(seconds * 10) / 10;

/** The form's values for a body: by its kind where the body is that kind's shape, else its JSON. */
export function valuesOf(kind: string, body: Obj): BodyValues {
  const known = readBody(kind, body);
  switch (known?.kind) {
    case 'titles':
      return {
        kind: 'titles',
        candidates: known.candidates.map((c) => ({ key: rowKey(), text: c.text, source: c })),
      };
    case 'copywriting':
      return {
        kind: 'copywriting',
        copies: known.copies.map((c) => ({ ...c, hashtags: [...c.hashtags] })),
      };
    case 'image_post':
      return {
        kind: 'image_post',
        platform: known.platform,
        title: known.title,
        body: known.body,
        hashtags: [...known.hashtags],
        images: known.images.map((i) => ({ key: rowKey(), ...i, text: i.text ?? '' })),
      };
    case 'video_script':
      return {
        kind: 'video_script',
        title: known.title,
        script_type: known.script_type,
        hook: { ...known.hook },
        shots: known.shots.map(({ index: _index, ...shot }) => ({ key: rowKey(), ...shot })),
        call_to_action: known.call_to_action,
        extraSeconds: tenths(known.total_duration_seconds - sum(known.shots.map((s) => s.duration_seconds))),
      };
    default:
      return { kind: 'json', text: JSON.stringify(editable(body), null, 2) };
  }
}

function parseObject(text: string): Obj | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObj(value) ? value : null;
  } catch {
    return null;
  }
}

/** A new candidate typed by the operator: no formula or pattern of the generator's. */
export const MANUAL_FORMULA = 'manual';

/** The body the values make, shaped as the BFF validates it (null: the JSON is not an object). */
export function bodyOf(values: BodyValues): Obj | null {
  switch (values.kind) {
    case 'titles':
      return {
        candidates: values.candidates.map((row) => ({
          ...(row.source ?? { formula: MANUAL_FORMULA, pattern: null, evidence: null }),
          text: row.text,
          length: charCount(row.text),
        })),
      };
    case 'copywriting':
      return { copies: values.copies.map((c) => ({ ...c })) };
    case 'image_post':
      return {
        platform: values.platform,
        title: values.title,
        body: values.body,
        hashtags: values.hashtags,
        images: values.images.map(({ key: _key, ...image }) => image),
      };
    case 'video_script': {
      const shots = values.shots.map(({ key: _key, ...shot }, index) => ({
        index: index + 1,
        ...shot,
        duration_seconds: shot.duration_seconds ?? 0,
      }));
      return {
        title: values.title,
        script_type: values.script_type,
        hook: { ...values.hook, duration_seconds: values.hook.duration_seconds ?? 0 },
        shots,
        call_to_action: values.call_to_action,
        total_duration_seconds: tenths(sum(shots.map((s) => s.duration_seconds)) + values.extraSeconds),
      };
    }
    default:
      return parseObject(values.text);
  }
}

/** JSON with keys sorted, so two bodies compare by content whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObj(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The body to send: undefined when it is the body as loaded (an untouched or undone edit sends none). A
 * titles body is compared without the lengths it recomputes, so reading one never counts as a change.
 */
export function changedBody(values: BodyValues, original: Obj): Obj | undefined {
  const body = bodyOf(values);
  if (body === null) return undefined;
  const before = values.kind === 'json' ? editable(original) : bodyOf(valuesOf(values.kind, original));
  return canonical(body) === canonical(before) ? undefined : body;
}

/** What keeps the values from being saved, each problem as the operator reads it ([] when none). */
export function problemsOf(values: BodyValues): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  switch (values.kind) {
    case 'titles': {
      need(values.candidates.length > 0, t.needCandidate);
      values.candidates.forEach((c, i) => {
        need(c.text.trim() !== '', fmt(t.emptyCandidate, { n: i + 1 }));
      });
      const texts = values.candidates.map((c) => c.text.trim()).filter(Boolean);
      need(new Set(texts).size === texts.length, t.duplicateCandidate);
      break;
    }
    case 'copywriting':
      for (const c of values.copies) {
        need(c.body.trim() !== '', fmt(t.emptyCopy, { platform: platformLabel(c.platform) }));
      }
      break;
    case 'image_post':
      need(values.title.trim() !== '', t.emptyTitle);
      break;
    case 'video_script': {
      need(values.shots.length > 0, t.needShot);
      const hook = values.hook.duration_seconds;
      need(hook !== null && hook > 0 && hook <= 3, t.hookSeconds);
      values.shots.forEach((s, i) => {
        need(s.duration_seconds !== null && s.duration_seconds > 0, fmt(t.shotSeconds, { n: i + 1 }));
      });
      break;
    }
    default:
      need(parseObject(values.text) !== null, t.invalidJson);
  }
  return problems;
}

/** The list with the item at `from` moved to `to` (unchanged when either is outside it). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || to < 0 || from >= list.length || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/** An empty shot to fill in, as long as the shot it follows (5 s when there is none). */
export function blankShot(after?: ShotRow): ShotRow {
  return {
    key: rowKey(),
    duration_seconds: after?.duration_seconds ?? 5,
    shot_size: after?.shot_size ?? '',
    camera_movement: after?.camera_movement ?? '',
    visual: '',
    on_screen_text: '',
    line: '',
  };
}

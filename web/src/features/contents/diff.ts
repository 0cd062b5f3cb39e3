import { type ChangeObject, diffChars } from 'diff';

/** One field of a version as the diff compares it: a readable label and its text. */
export interface Field {
  key: string;
  text: string;
}

/** A field between two versions: its parts (added, removed, kept), or unchanged. */
export interface FieldDiff {
  key: string;
  changed: boolean;
  parts: ChangeObject<string>[];
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value, null, 2);
}

/**
 * A version as fields: its title (`title`), then each top-level field of its body (`body.<name>`, apart
 * from the version's title even where the body has a title of its own) (the stored request, which an edit
 * never changes, left out); arrays of `{text}` (title candidates) one line per item so a diff reads by line.
 */
export function fieldsOf(version: { title: string; body: Record<string, unknown> }): Field[] {
  const fields: Field[] = [{ key: 'title', text: version.title }];
  for (const [key, value] of Object.entries(version.body)) {
    if (key === 'request') continue;
    if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && 'text' in v)) {
      fields.push({
        key: `body.${key}`,
        text: value.map((v) => textOf((v as { text: unknown }).text)).join('\n'),
      });
    } else {
      fields.push({ key: `body.${key}`, text: textOf(value) });
    }
  }
  return fields;
}

/** Field by field, what changed from `before` to `after` (a field only one side has is all added or removed). */
export function diffVersions(
  before: { title: string; body: Record<string, unknown> },
  after: { title: string; body: Record<string, unknown> },
): FieldDiff[] {
  const old = new Map(fieldsOf(before).map((f) => [f.key, f.text]));
  const now = new Map(fieldsOf(after).map((f) => [f.key, f.text]));
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  return keys.map((key) => {
    const a = old.get(key) ?? '';
    const b = now.get(key) ?? '';
    return { key, changed: a !== b, parts: a === b ? [] : diffChars(a, b) };
  });
}

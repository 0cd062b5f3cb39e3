import dayjs from 'dayjs';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import type { Fields, NodeKind } from './graph';

const t = zhCN.journeys;

function options<K extends string>(names: Record<K, string>): { value: K; label: string }[] {
  return (Object.keys(names) as K[]).map((value) => ({ value, label: names[value] }));
}

export const TRIGGER_OPTIONS = options(t.triggers);
export const EVENT_OPTIONS = options(t.events);
export const ACTION_OPTIONS = options(t.actions);
export const LEVEL_OPTIONS = options(t.levels);
export const CHECK_FIELD_OPTIONS = options(t.checkFields);
export const OP_OPTIONS = options(t.ops);
export const EXIT_OPTIONS = options(t.exitReasons);
export const LEAD_FIELD_OPTIONS = options(t.leadFieldNames);

const name = <K extends string>(names: Record<K, string>, value: unknown) =>
  names[value as K] ?? (value === undefined ? '' : String(value));

/** One line saying what a node does, shown on the node. */
export function summary(kind: NodeKind, f: Fields): string {
  switch (kind) {
    case 'trigger':
      return [name(t.triggers, f.on), f.level ? name(t.levels, f.level) : '', f.tag ?? '']
        .filter(Boolean)
        .join(' · ');
    case 'wait':
      return f.until ? `→ ${f.until}` : f.minutes ? fmt(t.minutesShort, { n: String(f.minutes) }) : '';
    case 'decision':
      return `${name(t.events, f.event)} · ${fmt(t.minutesShort, { n: String(f.timeout_minutes ?? '?') })}`;
    case 'condition': {
      const check = (f.check ?? {}) as Fields;
      return `${name(t.checkFields, check.field)} ${name(t.ops, check.op)} ${check.value ?? check.key ?? ''}`.trim();
    }
    case 'action': {
      const detail = f.text ?? f.tag ?? f.title ?? f.points ?? f.material_id ?? f.journey_id ?? '';
      return `${name(t.actions, f.action)} ${String(detail).slice(0, 16)}`.trim();
    }
    case 'exit':
      return name(t.exitReasons, f.reason ?? 'done');
  }
}

/** A time as the console shows it (the browser's zone). */
export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '–';
}

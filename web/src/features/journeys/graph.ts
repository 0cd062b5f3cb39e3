import type { JourneyGraph } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';

/**
 * The journey graph as the designer holds it (nodes with their fields, edges leaving named handles) and the
 * rules it must meet before it is saved: exactly one trigger, an exit, one edge on every branch, no edge to a
 * missing node or back to the trigger, every node reachable from the trigger, a wait in every loop, and the
 * fields each kind needs. Pure, so the designer's `isValidConnection`, its save button and the tests share it;
 * the server validates again (`douflow/customers/journey_rules.py`).
 */

const t = zhCN.journeys.rules;
const s = zhCN.journeys.settings;

export type GraphNode = JourneyGraph['nodes'][number];
export type NodeKind = GraphNode['kind'];
export type Handle = 'next' | 'yes' | 'no';
export const KINDS: readonly NodeKind[] = ['trigger', 'wait', 'decision', 'condition', 'action', 'exit'];

/** A node's own fields: everything but its id, kind and edges. */
export type Fields = Record<string, unknown>;

export interface DesignNode {
  id: string;
  kind: NodeKind;
  fields: Fields;
}

export interface DesignEdge {
  source: string;
  sourceHandle: Handle;
  target: string;
}

export interface Design {
  nodes: DesignNode[];
  edges: DesignEdge[];
}

export interface Problem {
  nodeId: string;
  message: string;
}

/** Which branches leave a node of this kind. */
export function handlesOf(kind: NodeKind): Handle[] {
  if (kind === 'exit') return [];
  if (kind === 'decision' || kind === 'condition') return ['yes', 'no'];
  return ['next'];
}

/** A new node's id, unique in the design and valid for the server (`^[A-Za-z0-9_-]{1,40}$`). */
export function nextId(kind: NodeKind, nodes: readonly { id: string }[]): string {
  const taken = new Set(nodes.map((n) => n.id));
  let n = 1;
  while (taken.has(`${kind}_${n}`)) n += 1;
  return `${kind}_${n}`;
}

/** The fields a node of this kind starts with. */
export function defaultFields(kind: NodeKind): Fields {
  switch (kind) {
    case 'trigger':
      return { on: 'manual' };
    case 'wait':
      return { minutes: 60 };
    case 'decision':
      return { event: 'replied', timeout_minutes: 1440 };
    case 'condition':
      return { check: { field: 'score', op: 'gte', value: 50 } };
    case 'action':
      return { action: 'tag', tag: '' };
    case 'exit':
      return { reason: 'done' };
  }
}

const blank = (value: unknown) => value === undefined || value === null || value === '';

/** What a node's own fields lack (the server's model validators, said before it is asked). */
export function fieldProblems(node: DesignNode): string[] {
  const f = node.fields;
  const found: string[] = [];
  const need = (name: string, label: string) => {
    if (blank(f[name])) found.push(t.missingField(label));
  };
  const names = zhCN.journeys.fields;
  switch (node.kind) {
    case 'trigger':
      need('on', names.on);
      if (f.on === 'score_level') need('level', names.level);
      if (f.on === 'tag_added') need('tag', names.tag);
      break;
    case 'wait':
      if (blank(f.minutes) === blank(f.until)) found.push(t.waitOne);
      break;
    case 'decision':
      need('event', names.event);
      need('timeout_minutes', names.timeout);
      break;
    case 'condition': {
      const check = (f.check ?? {}) as Fields;
      if (blank(check.field)) found.push(t.missingField(names.checkField));
      if (blank(check.op)) found.push(t.missingField(names.op));
      if (['score', 'level', 'tag'].includes(String(check.field)) && blank(check.value)) {
        found.push(t.missingField(names.value));
      }
      if (check.field === 'profile' && blank(check.key)) found.push(t.missingField(names.key));
      if (check.field === 'lead_fields' && !(Array.isArray(check.lead_fields) && check.lead_fields.length)) {
        found.push(t.missingField(names.leadFields));
      }
      break;
    }
    case 'action': {
      const needed: Record<string, [string, string]> = {
        send_message: ['text', names.text],
        send_material: ['material_id', names.materialId],
        add_points: ['points', names.points],
        tag: ['tag', names.tag],
        enrol: ['journey_id', names.journeyId],
        notify: ['title', names.title],
        create_task: ['title', names.title],
      };
      need('action', names.action);
      const pair = needed[String(f.action)];
      if (pair) need(pair[0], pair[1]);
      break;
    }
    case 'exit':
      break;
  }
  return found;
}

function edgesFrom(design: Design): Map<string, DesignEdge[]> {
  const out = new Map<string, DesignEdge[]>();
  for (const edge of design.edges) {
    const list = out.get(edge.source) ?? [];
    list.push(edge);
    out.set(edge.source, list);
  }
  return out;
}

/** Loops that pass no wait node, each named by the node whose edge closes it (as the server does). */
function loopsWithoutWait(design: Design): Problem[] {
  const kinds = new Map(design.nodes.map((n) => [n.id, n.kind]));
  const out = edgesFrom(design);
  const colour = new Map<string, 1 | 2>();
  const found: Problem[] = [];
  const visit = (id: string) => {
    colour.set(id, 1);
    for (const edge of out.get(id) ?? []) {
      const target = edge.target;
      if (!kinds.has(target) || kinds.get(target) === 'wait') continue;
      if (colour.get(target) === 1) found.push({ nodeId: id, message: t.loopWithoutWait(target) });
      else if (!colour.has(target)) visit(target);
    }
    colour.set(id, 2);
  };
  for (const node of design.nodes) {
    if (!colour.has(node.id) && node.kind !== 'wait') visit(node.id);
  }
  return found;
}

/** Everything wrong with the design, each naming its node; empty when it may be saved. */
export function graphProblems(design: Design): Problem[] {
  const found: Problem[] = [];
  const ids = new Set(design.nodes.map((n) => n.id));
  const triggers = design.nodes.filter((n) => n.kind === 'trigger');
  const first = design.nodes[0];
  if (triggers.length !== 1 && first) {
    found.push({ nodeId: (triggers[1] ?? first).id, message: t.oneTrigger(triggers.length) });
  }
  if (first && !design.nodes.some((n) => n.kind === 'exit')) {
    found.push({ nodeId: design.nodes[design.nodes.length - 1].id, message: t.noExit });
  }
  const out = edgesFrom(design);
  const handleName = zhCN.journeys.handles;
  for (const node of design.nodes) {
    for (const message of fieldProblems(node)) found.push({ nodeId: node.id, message });
    const leaving = out.get(node.id) ?? [];
    for (const handle of handlesOf(node.kind)) {
      const count = leaving.filter((e) => e.sourceHandle === handle).length;
      if (count === 0) found.push({ nodeId: node.id, message: t.missingEdge(handleName[handle]) });
      if (count > 1) found.push({ nodeId: node.id, message: t.extraEdge(handleName[handle]) });
    }
    for (const edge of leaving) {
      if (!ids.has(edge.target)) found.push({ nodeId: node.id, message: t.danglingEdge });
      else if (triggers.some((tr) => tr.id === edge.target))
        found.push({ nodeId: node.id, message: t.toTrigger });
      else if (edge.target === node.id) found.push({ nodeId: node.id, message: t.selfLoop });
    }
  }
  if (triggers.length === 1) {
    const reached = new Set<string>();
    const stack = [triggers[0].id];
    while (stack.length) {
      const id = stack.pop() as string;
      if (reached.has(id) || !ids.has(id)) continue;
      reached.add(id);
      for (const edge of out.get(id) ?? []) stack.push(edge.target);
    }
    for (const node of design.nodes) {
      if (!reached.has(node.id)) found.push({ nodeId: node.id, message: t.unreachable });
    }
  }
  found.push(...loopsWithoutWait(design));
  return found;
}

/** Why this new edge may not be drawn (null: it may): the designer's `isValidConnection`. */
export function connectionProblem(design: Design, edge: DesignEdge): string | null {
  const source = design.nodes.find((n) => n.id === edge.source);
  const target = design.nodes.find((n) => n.id === edge.target);
  if (!source || !target) return t.danglingEdge;
  if (source.id === target.id) return t.selfLoop;
  if (target.kind === 'trigger') return t.toTrigger;
  if (!handlesOf(source.kind).includes(edge.sourceHandle)) return t.danglingEdge;
  if (design.edges.some((e) => e.source === edge.source && e.sourceHandle === edge.sourceHandle)) {
    return t.extraEdge(zhCN.journeys.handles[edge.sourceHandle]);
  }
  const before = loopsWithoutWait(design).length;
  const after = loopsWithoutWait({ nodes: design.nodes, edges: [...design.edges, edge] });
  if (after.length > before) return after[after.length - 1].message;
  return null;
}

/** The graph settings that are not nodes (goal, re-entry, quiet hours, exit on reply), as the API has them. */
export type GraphSettings = Omit<JourneyGraph, 'nodes'>;
export type GoalEvent = NonNullable<NonNullable<JourneyGraph['goal']>['event']>;
export type Reentry = NonNullable<JourneyGraph['reentry']>;

/** The settings as the settings panel edits them: every one present, the model's defaults where unset. */
export interface Settings {
  goalEvent: GoalEvent;
  /** Only with the `tag_added` goal: that tag (blank: any tag). */
  goalTag: string;
  reentry: Reentry;
  reentryDays: number | null;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  exitOnReply: boolean;
}
export type SettingsField = keyof Settings;

/** `models/journeys.py`'s bounds. */
export const REENTRY_DAYS = { min: 1, max: 365 } as const;
export const GOAL_TAG_MAX = 40;
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** A graph's settings for the panel; what the graph leaves out is the model's default (quiet hours 22:00–08:00). */
export function settingsOf(graph: GraphSettings): Settings {
  const quiet = graph.quiet_hours === undefined ? {} : graph.quiet_hours;
  return {
    goalEvent: graph.goal?.event ?? 'lead_left',
    goalTag: graph.goal?.tag ?? '',
    reentry: graph.reentry ?? 'never',
    reentryDays: graph.reentry_days ?? null,
    quiet: quiet !== null,
    quietStart: quiet?.start ?? '22:00',
    quietEnd: quiet?.end ?? '08:00',
    exitOnReply: graph.exit_on_reply ?? false,
  };
}

/** The panel's settings as the API takes them: what does not apply (days without `after_days`, a tag without
 * the tag goal, times with quiet hours off) is left out. */
export function graphSettings(settings: Settings): GraphSettings {
  const tag = settings.goalEvent === 'tag_added' ? settings.goalTag.trim() : '';
  return {
    goal: tag ? { event: settings.goalEvent, tag } : { event: settings.goalEvent },
    reentry: settings.reentry,
    ...(settings.reentry === 'after_days' ? { reentry_days: settings.reentryDays } : {}),
    quiet_hours: settings.quiet ? { start: settings.quietStart, end: settings.quietEnd } : null,
    exit_on_reply: settings.exitOnReply,
  };
}

/** What the model would refuse in the settings, by field (empty: they may be saved). */
export function settingsProblems(settings: Settings): Partial<Record<SettingsField, string>> {
  const found: Partial<Record<SettingsField, string>> = {};
  const days = settings.reentryDays;
  if (
    settings.reentry === 'after_days' &&
    (days === null || !Number.isInteger(days) || days < REENTRY_DAYS.min || days > REENTRY_DAYS.max)
  ) {
    found.reentryDays = s.reentryDaysRange;
  }
  if (settings.quiet) {
    if (!TIME_OF_DAY.test(settings.quietStart)) found.quietStart = s.timeOfDay;
    if (!TIME_OF_DAY.test(settings.quietEnd)) found.quietEnd = s.timeOfDay;
  }
  if (settings.goalEvent === 'tag_added' && settings.goalTag.trim().length > GOAL_TAG_MAX) {
    found.goalTag = s.goalTagLong;
  }
  return found;
}

/** Where the server's field paths land in the settings panel. */
const SETTINGS_PATHS: [RegExp, SettingsField][] = [
  [/^graph\.goal\.tag/, 'goalTag'],
  [/^graph\.goal/, 'goalEvent'],
  [/^graph\.reentry_days/, 'reentryDays'],
  [/^graph\.reentry/, 'reentry'],
  [/^graph\.quiet_hours\.end/, 'quietEnd'],
  [/^graph\.quiet_hours/, 'quietStart'],
  [/^graph\.exit_on_reply/, 'exitOnReply'],
];

function settingsField(error: { field: string; message: string }): SettingsField | undefined {
  // The model's whole-graph check names no field: "reentry after_days needs reentry_days".
  if (error.field === 'graph' && error.message.includes('reentry_days')) return 'reentryDays';
  return SETTINGS_PATHS.find(([path]) => path.test(error.field))?.[1];
}

/** A node's place on the canvas. */
export interface Position {
  x: number;
  y: number;
}
export type Layout = Record<string, Position>;
/** The server's bounds of a saved position (flow coordinates). */
export const CANVAS_EXTENT = 100_000;

const onCanvas = (v: number) => Math.min(CANVAS_EXTENT, Math.max(-CANVAS_EXTENT, v));

/** The positions to save, one per node: within the server's bounds, none that is not a finite number. */
export function layoutOf(nodes: readonly { id: string; position: Position }[]): Layout {
  const out: Layout = {};
  for (const { id, position } of nodes) {
    if (Number.isFinite(position.x) && Number.isFinite(position.y)) {
      out[id] = { x: onCanvas(position.x), y: onCanvas(position.y) };
    }
  }
  return out;
}

/** Each node's position: the saved one, or the automatic layout's for a node saved without one. */
export function positionsOf(design: Design, saved: Layout | undefined): Map<string, Position> {
  const automatic = layout(design);
  const out = new Map<string, Position>();
  for (const node of design.nodes) {
    out.set(node.id, saved?.[node.id] ?? automatic.get(node.id) ?? { x: 0, y: 0 });
  }
  return out;
}

/** The design as the API takes it; call only when `graphProblems` is empty (every branch has its edge). */
export function toJourneyGraph(design: Design, settings: GraphSettings = {}): JourneyGraph {
  const out = edgesFrom(design);
  const target = (id: string, handle: Handle) =>
    out.get(id)?.find((e) => e.sourceHandle === handle)?.target ?? '';
  const nodes = design.nodes.map((node) => {
    const fields = clean(node.fields);
    const edges: Record<string, string> = {};
    for (const handle of handlesOf(node.kind)) edges[handle] = target(node.id, handle);
    return { ...fields, ...edges, id: node.id, kind: node.kind } as GraphNode;
  });
  return { ...settings, nodes };
}

/** Drops empty values, so an optional field left blank is absent rather than "" (which the server refuses). */
function clean(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (blank(value)) continue;
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? clean(value as Fields) : value;
  }
  return out;
}

/** A saved graph back into the designer's nodes and edges. */
export function fromJourneyGraph(graph: JourneyGraph): Design & { settings: GraphSettings } {
  const { nodes, ...settings } = graph;
  const design: Design = { nodes: [], edges: [] };
  for (const node of nodes) {
    const { id, kind, ...rest } = node as GraphNode & Record<string, unknown>;
    const fields: Fields = { ...rest };
    for (const handle of handlesOf(kind)) {
      const to = fields[handle];
      delete fields[handle];
      if (typeof to === 'string' && to) design.edges.push({ source: id, sourceHandle: handle, target: to });
    }
    design.nodes.push({ id, kind, fields });
  }
  return { ...design, settings };
}

/**
 * Positions for a graph saved without them (`positionsOf` prefers the saved ones): columns by distance from the
 * trigger, rows in node order within a column; nodes the trigger does not reach go to a last column.
 */
export function layout(design: Design, dx = 260, dy = 140): Map<string, { x: number; y: number }> {
  const out = edgesFrom(design);
  const depth = new Map<string, number>();
  const trigger = design.nodes.find((n) => n.kind === 'trigger');
  const queue: string[] = trigger ? [trigger.id] : [];
  if (trigger) depth.set(trigger.id, 0);
  while (queue.length) {
    const id = queue.shift() as string;
    for (const edge of out.get(id) ?? []) {
      if (!depth.has(edge.target)) {
        depth.set(edge.target, (depth.get(id) ?? 0) + 1);
        queue.push(edge.target);
      }
    }
  }
  const last = Math.max(0, ...depth.values()) + 1;
  const rows = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of design.nodes) {
    const column = depth.get(node.id) ?? last;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(node.id, { x: column * dx, y: row * dy });
  }
  return positions;
}

/**
 * The server's 422 errors (`field` = `graph.nodes.<id>`, or `graph.nodes.<index>…` for a field the model
 * refused) as problems on the nodes they name, and those on the settings (`graph.goal…`, `graph.reentry…`,
 * `graph.quiet_hours…`) by settings field; errors naming neither are returned apart.
 */
export function serverProblems(
  errors: readonly { field: string; message: string }[],
  nodeIds: readonly string[],
): { problems: Problem[]; settings: Partial<Record<SettingsField, string>>; other: string[] } {
  const problems: Problem[] = [];
  const settings: Partial<Record<SettingsField, string>> = {};
  const other: string[] = [];
  for (const error of errors) {
    const setting = settingsField(error);
    if (setting) {
      settings[setting] = settings[setting] ? `${settings[setting]}；${error.message}` : error.message;
      continue;
    }
    const match = /^graph\.nodes\.([A-Za-z0-9_-]+)/.exec(error.field);
    let nodeId: string | undefined;
    if (match) {
      if (nodeIds.includes(match[1])) nodeId = match[1];
      else if (/^\d+$/.test(match[1])) nodeId = nodeIds[Number(match[1])];
    }
    if (nodeId) problems.push({ nodeId, message: error.message });
    else other.push(`${error.field}: ${error.message}`);
  }
  return { problems, settings, other };
}

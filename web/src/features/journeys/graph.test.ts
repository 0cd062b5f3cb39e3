import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '../../client/types.gen';
import {
  CANVAS_EXTENT,
  connectionProblem,
  type Design,
  fromJourneyGraph,
  graphProblems,
  graphSettings,
  layout,
  layoutOf,
  nextId,
  positionsOf,
  type Settings,
  serverProblems,
  settingsOf,
  settingsProblems,
  toJourneyGraph,
} from './graph';

const valid: Design = {
  nodes: [
    { id: 't', kind: 'trigger', fields: { on: 'manual' } },
    { id: 'd', kind: 'decision', fields: { event: 'replied', timeout_minutes: 60 } },
    { id: 'a', kind: 'action', fields: { action: 'tag', tag: 'vip' } },
    { id: 'x', kind: 'exit', fields: { reason: 'done' } },
  ],
  edges: [
    { source: 't', sourceHandle: 'next', target: 'd' },
    { source: 'd', sourceHandle: 'yes', target: 'a' },
    { source: 'd', sourceHandle: 'no', target: 'x' },
    { source: 'a', sourceHandle: 'next', target: 'x' },
  ],
};

const on = (design: Design) => graphProblems(design).map((p) => p.nodeId);

describe('graphProblems', () => {
  it('finds nothing in a complete graph', () => {
    expect(graphProblems(valid)).toEqual([]);
  });

  it('names a branch without its edge (a dangling node)', () => {
    const design = {
      ...valid,
      edges: valid.edges.filter((e) => !(e.source === 'd' && e.sourceHandle === 'no')),
    };
    const found = graphProblems(design);
    expect(found).toHaveLength(1);
    expect(found[0].nodeId).toBe('d');
    expect(found[0].message).toContain('否');
  });

  it('names an edge to a node that is gone, and one back to the trigger', () => {
    const gone = {
      ...valid,
      edges: [...valid.edges.slice(0, 3), { source: 'a', sourceHandle: 'next' as const, target: 'zz' }],
    };
    expect(on(gone)).toEqual(['a']);
    const back = {
      ...valid,
      edges: [...valid.edges.slice(0, 3), { source: 'a', sourceHandle: 'next' as const, target: 't' }],
    };
    expect(on(back)).toContain('a');
  });

  it('names nodes the trigger does not reach', () => {
    const design: Design = {
      nodes: [...valid.nodes, { id: 'w', kind: 'wait', fields: { minutes: 5 } }],
      edges: [...valid.edges, { source: 'w', sourceHandle: 'next', target: 'x' }],
    };
    expect(graphProblems(design)).toEqual([{ nodeId: 'w', message: expect.stringContaining('无法到达') }]);
  });

  it('refuses a loop without a wait and accepts one through a wait', () => {
    const loop: Design = {
      nodes: valid.nodes,
      edges: [
        ...valid.edges.filter((e) => e.source !== 'a'),
        { source: 'a', sourceHandle: 'next', target: 'd' },
      ],
    };
    expect(graphProblems(loop).map((p) => p.message)).toEqual([expect.stringContaining('d')]);
    const waited: Design = {
      nodes: [...valid.nodes, { id: 'w', kind: 'wait', fields: { minutes: 5 } }],
      edges: [
        ...valid.edges.filter((e) => e.source !== 'a'),
        { source: 'a', sourceHandle: 'next', target: 'w' },
        { source: 'w', sourceHandle: 'next', target: 'd' },
      ],
    };
    expect(graphProblems(waited)).toEqual([]);
  });

  it('wants one trigger and an exit', () => {
    const two: Design = {
      ...valid,
      nodes: [...valid.nodes, { id: 't2', kind: 'trigger', fields: { on: 'manual' } }],
    };
    expect(on(two)).toContain('t2');
    const noExit: Design = {
      nodes: [valid.nodes[0], valid.nodes[2]],
      edges: [{ source: 't', sourceHandle: 'next', target: 'a' }],
    };
    expect(graphProblems(noExit).map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('退出'), expect.stringContaining('下一步')]),
    );
  });

  it('names the fields a kind needs', () => {
    const design: Design = {
      ...valid,
      nodes: valid.nodes.map((n) => (n.id === 'a' ? { ...n, fields: { action: 'tag', tag: '' } } : n)),
    };
    expect(graphProblems(design)).toEqual([{ nodeId: 'a', message: expect.stringContaining('标签') }]);
    const wait: Design = {
      nodes: [
        valid.nodes[0],
        { id: 'w', kind: 'wait', fields: { minutes: 5, until: '09:00' } },
        valid.nodes[3],
      ],
      edges: [
        { source: 't', sourceHandle: 'next', target: 'w' },
        { source: 'w', sourceHandle: 'next', target: 'x' },
      ],
    };
    expect(on(wait)).toEqual(['w']);
  });
});

describe('connectionProblem', () => {
  const open: Design = { nodes: valid.nodes, edges: valid.edges.filter((e) => e.source !== 'a') };

  it('lets a free branch connect onward', () => {
    expect(connectionProblem(open, { source: 'a', sourceHandle: 'next', target: 'x' })).toBeNull();
  });

  it('refuses a self loop, an edge to the trigger, a used branch and a loop without a wait', () => {
    expect(connectionProblem(open, { source: 'a', sourceHandle: 'next', target: 'a' })).not.toBeNull();
    expect(connectionProblem(open, { source: 'a', sourceHandle: 'next', target: 't' })).not.toBeNull();
    expect(connectionProblem(open, { source: 'd', sourceHandle: 'yes', target: 'x' })).not.toBeNull();
    expect(connectionProblem(open, { source: 'a', sourceHandle: 'next', target: 'd' })).toContain('循环');
  });
});

describe('conversion', () => {
  it('round-trips through the API shape, dropping blank optional fields', () => {
    const graph = toJourneyGraph(valid, { exit_on_reply: true });
    expect(graph.nodes[1]).toEqual({
      id: 'd',
      kind: 'decision',
      event: 'replied',
      timeout_minutes: 60,
      yes: 'a',
      no: 'x',
    });
    expect(graph.exit_on_reply).toBe(true);
    const back = fromJourneyGraph(graph);
    expect(back.nodes).toEqual(valid.nodes);
    expect(back.edges).toEqual(expect.arrayContaining(valid.edges));
    expect(back.settings).toEqual({ exit_on_reply: true });
    const blankTitle = toJourneyGraph({
      ...valid,
      nodes: [
        ...valid.nodes.slice(0, 2),
        { id: 'a', kind: 'action', fields: { action: 'tag', tag: 'v', title: '' } },
        valid.nodes[3],
      ],
    });
    expect(blankTitle.nodes[2]).not.toHaveProperty('title');
  });

  it('lays out columns by distance from the trigger', () => {
    const at = layout(valid);
    expect(at.get('t')?.x).toBe(0);
    expect(at.get('d')?.x).toBeGreaterThan(0);
    expect(at.get('a')?.x).toBe(at.get('x')?.x);
    expect(at.get('a')?.y).not.toBe(at.get('x')?.y);
  });

  it('gives new nodes free ids', () => {
    expect(nextId('wait', [{ id: 'wait_1' }, { id: 'wait_3' }])).toBe('wait_2');
  });
});

describe('serverProblems', () => {
  it('puts errors on the nodes they name, by id or by index', () => {
    const graph: JourneyGraph = toJourneyGraph(valid);
    const ids = graph.nodes.map((n) => n.id);
    const found = serverProblems(
      [
        { field: 'graph.nodes.d', message: 'a decision waits at most 30 days for the customer' },
        { field: 'graph.nodes.2.action.tag', message: 'too long' },
        { field: 'name', message: 'required' },
      ],
      ids,
    );
    expect(found.problems).toEqual([
      { nodeId: 'd', message: 'a decision waits at most 30 days for the customer' },
      { nodeId: 'a', message: 'too long' },
    ]);
    expect(found.other).toEqual(['name: required']);
  });

  it('puts errors on the settings on their fields', () => {
    const found = serverProblems(
      [
        { field: 'graph', message: 'Value error, reentry after_days needs reentry_days' },
        { field: 'graph.reentry_days', message: 'Input should be less than or equal to 365' },
        { field: 'graph.quiet_hours.start', message: "String should match pattern '^…$'" },
        { field: 'graph.quiet_hours.end', message: 'bad end' },
        { field: 'graph.goal.tag', message: 'too long' },
        { field: 'graph.goal.event', message: 'unknown event' },
        { field: 'graph.exit_on_reply', message: 'Input should be a valid boolean' },
        { field: 'graph', message: 'something else' },
        { field: 'layout.ghost', message: 'no node ghost in the graph' },
      ],
      [],
    );
    expect(found.settings).toEqual({
      reentryDays:
        'Value error, reentry after_days needs reentry_days；Input should be less than or equal to 365',
      quietStart: "String should match pattern '^…$'",
      quietEnd: 'bad end',
      goalTag: 'too long',
      goalEvent: 'unknown event',
      exitOnReply: 'Input should be a valid boolean',
    });
    expect(found.other).toEqual(['graph: something else', 'layout.ghost: no node ghost in the graph']);
    expect(found.problems).toEqual([]);
  });
});

describe('settings', () => {
  const defaults: Settings = {
    goalEvent: 'lead_left',
    goalTag: '',
    reentry: 'never',
    reentryDays: null,
    quiet: true,
    quietStart: '22:00',
    quietEnd: '08:00',
    exitOnReply: false,
  };

  it("reads a graph without settings as the model's defaults", () => {
    expect(settingsOf({})).toEqual(defaults);
    expect(settingsOf({ quiet_hours: null }).quiet).toBe(false);
  });

  it('round-trips through the API shape, leaving out what does not apply', () => {
    const edited: Settings = {
      goalEvent: 'tag_added',
      goalTag: ' vip ',
      reentry: 'after_days',
      reentryDays: 30,
      quiet: true,
      quietStart: '21:30',
      quietEnd: '07:45',
      exitOnReply: true,
    };
    const graph = toJourneyGraph(valid, graphSettings(edited));
    expect(graph).toMatchObject({
      goal: { event: 'tag_added', tag: 'vip' },
      reentry: 'after_days',
      reentry_days: 30,
      quiet_hours: { start: '21:30', end: '07:45' },
      exit_on_reply: true,
    });
    expect(settingsOf(fromJourneyGraph(graph).settings)).toEqual({ ...edited, goalTag: 'vip' });

    const plain = graphSettings({ ...edited, goalEvent: 'replied', reentry: 'always', quiet: false });
    expect(plain).toEqual({
      goal: { event: 'replied' },
      reentry: 'always',
      quiet_hours: null,
      exit_on_reply: true,
    });
    expect(settingsOf(plain)).toMatchObject({ goalTag: '', reentryDays: null, quiet: false });
  });

  it('validates like the model: days 1-365 with after_days, times HH:MM, a short goal tag', () => {
    expect(settingsProblems(defaults)).toEqual({});
    const after = { ...defaults, reentry: 'after_days' as const };
    expect(Object.keys(settingsProblems({ ...after, reentryDays: null }))).toEqual(['reentryDays']);
    expect(Object.keys(settingsProblems({ ...after, reentryDays: 0 }))).toEqual(['reentryDays']);
    expect(Object.keys(settingsProblems({ ...after, reentryDays: 366 }))).toEqual(['reentryDays']);
    expect(Object.keys(settingsProblems({ ...after, reentryDays: 2.5 }))).toEqual(['reentryDays']);
    expect(settingsProblems({ ...after, reentryDays: 1 })).toEqual({});
    expect(settingsProblems({ ...after, reentryDays: 365 })).toEqual({});
    expect(settingsProblems({ ...defaults, reentryDays: null, reentry: 'always' })).toEqual({});
    const times = settingsProblems({ ...defaults, quietStart: '24:00', quietEnd: '7:00' });
    expect(Object.keys(times)).toEqual(['quietStart', 'quietEnd']);
    expect(settingsProblems({ ...defaults, quiet: false, quietStart: 'x' })).toEqual({});
    expect(settingsProblems({ ...defaults, quietStart: '23:59', quietEnd: '00:00' })).toEqual({});
    const long = 'x'.repeat(41);
    expect(Object.keys(settingsProblems({ ...defaults, goalEvent: 'tag_added', goalTag: long }))).toEqual([
      'goalTag',
    ]);
  });
});

describe('layout', () => {
  it('keeps saved positions and lays out the nodes saved without one', () => {
    const saved = { t: { x: -40.5, y: 300 }, x: { x: 900, y: 12.25 } };
    const at = positionsOf(valid, saved);
    const automatic = layout(valid);
    expect(at.get('t')).toEqual({ x: -40.5, y: 300 });
    expect(at.get('x')).toEqual({ x: 900, y: 12.25 });
    expect(at.get('d')).toEqual(automatic.get('d'));
    expect(at.get('a')).toEqual(automatic.get('a'));
    expect(positionsOf(valid, undefined)).toEqual(automatic);
  });

  it('saves one position per node within the bounds, and round-trips', () => {
    const nodes = [
      { id: 't', position: { x: 12.5, y: -7 } },
      { id: 'd', position: { x: CANVAS_EXTENT * 2, y: -CANVAS_EXTENT * 3 } },
      { id: 'a', position: { x: Number.NaN, y: 0 } },
      { id: 'x', position: { x: 0, y: Number.POSITIVE_INFINITY } },
    ];
    const saved = layoutOf(nodes);
    expect(saved).toEqual({ t: { x: 12.5, y: -7 }, d: { x: CANVAS_EXTENT, y: -CANVAS_EXTENT } });
    const back = positionsOf(valid, saved);
    expect(back.get('t')).toEqual({ x: 12.5, y: -7 });
    expect(back.get('a')).toEqual(layout(valid).get('a'));
  });
});

import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '../../client/types.gen';
import {
  connectionProblem,
  type Design,
  fromJourneyGraph,
  graphProblems,
  layout,
  nextId,
  serverProblems,
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
});

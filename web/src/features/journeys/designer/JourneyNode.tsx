import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { Tag, Tooltip } from 'antd';
import { memo } from 'react';
import type { NodeStatsView } from '../../../client/types.gen';
import { zhCN } from '../../../locales/zh-CN';
import { type Fields, handlesOf, KINDS, type NodeKind } from '../graph';
import { summary } from '../labels';

const t = zhCN.journeys;

export interface JourneyNodeData extends Record<string, unknown> {
  fields: Fields;
  problems: string[];
  stats?: NodeStatsView;
  onPath?: boolean;
}

export type JourneyFlowNode = Node<JourneyNodeData, NodeKind>;

const COLOURS: Record<NodeKind, string> = {
  trigger: '#1677ff',
  wait: '#faad14',
  decision: '#722ed1',
  condition: '#13c2c2',
  action: '#52c41a',
  exit: '#8c8c8c',
};

/** One node of any kind: its kind, a line saying what it does, its problems, its statistics, named handles. */
function JourneyNodeView({ id, type, data, selected }: NodeProps<JourneyFlowNode>) {
  const kind = type as NodeKind;
  const handles = handlesOf(kind);
  const bad = data.problems.length > 0;
  const border = bad ? '#ff4d4f' : data.onPath ? '#fa541c' : selected ? '#1677ff' : '#d9d9d9';
  return (
    <div
      data-testid={`node-${id}`}
      data-problem={bad ? 'true' : 'false'}
      data-on-path={data.onPath ? 'true' : 'false'}
      style={{
        width: 190,
        background: '#fff',
        border: `2px solid ${border}`,
        borderRadius: 8,
        padding: '6px 10px',
        fontSize: 12,
        boxShadow: data.onPath ? '0 0 0 3px rgba(250,84,28,0.25)' : undefined,
      }}
    >
      {kind !== 'trigger' && <Handle type="target" position={Position.Left} id="in" />}
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <strong style={{ color: COLOURS[kind] }}>{t.kinds[kind]}</strong>
        <span style={{ color: '#8c8c8c' }}>{id}</span>
      </div>
      <div style={{ marginTop: 2, minHeight: 16 }}>{summary(kind, data.fields)}</div>
      {bad && (
        <Tooltip title={data.problems.join('；')}>
          <div data-testid="node-problem" style={{ color: '#ff4d4f', marginTop: 4 }}>
            {data.problems[0]}
            {data.problems.length > 1 ? ` (+${data.problems.length - 1})` : ''}
          </div>
        </Tooltip>
      )}
      {data.stats && (
        <div data-testid="node-stats" style={{ marginTop: 4 }}>
          <Tag>
            {t.stats.entered} {data.stats.entered}
          </Tag>
          <Tag color="processing">
            {t.stats.waiting} {data.stats.waiting}
          </Tag>
          {Object.entries(data.stats.branches)
            .filter(([outcome]) => outcome === 'yes' || outcome === 'no')
            .map(([outcome, count]) => (
              <Tag key={outcome}>
                {t.handles[outcome as 'yes' | 'no']} {count}
              </Tag>
            ))}
          {data.stats.exited > 0 && (
            <Tag>
              {t.stats.exited} {data.stats.exited}
            </Tag>
          )}
        </div>
      )}
      {handles.map((handle, index) => (
        <Handle
          key={handle}
          type="source"
          position={Position.Right}
          id={handle}
          style={{
            top: handles.length === 1 ? '50%' : `${30 + index * 40}%`,
            background: handle === 'yes' ? '#52c41a' : handle === 'no' ? '#ff4d4f' : undefined,
          }}
        >
          {handles.length > 1 && (
            <span style={{ position: 'absolute', left: 10, top: -7, fontSize: 10, pointerEvents: 'none' }}>
              {t.handles[handle]}
            </span>
          )}
        </Handle>
      ))}
    </div>
  );
}

const Memo = memo(JourneyNodeView);

/** Defined once at module scope: a new object each render makes React Flow remount every node. */
export const nodeTypes = Object.fromEntries(KINDS.map((kind) => [kind, Memo]));

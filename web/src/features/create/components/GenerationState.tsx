import { Progress, Typography } from 'antd';
import { QueryState } from '../../../components/QueryState';
import { fmt } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';
import type { Phase } from '../progress';
import { progressPercent } from '../progress';

const t = zhCN.create;

interface Props {
  phase: Phase;
  stage: string | null;
  elapsedMs: number;
  error: unknown;
  emptyText: string;
}

/** A generation before it starts, while its workflow runs (stage and time), and when it failed. */
export function GenerationState({ phase, stage, elapsedMs, error, emptyText }: Props) {
  if (phase === 'idle') return <Typography.Text type="secondary">{emptyText}</Typography.Text>;
  if (phase === 'starting' || phase === 'running') {
    return (
      <div data-testid="progress">
        <Progress percent={progressPercent(phase, elapsedMs)} status="active" />
        <Typography.Text type="secondary">
          {phase === 'starting' ? t.stages.starting : (stage ?? t.stages.running)}
          {' · '}
          {fmt(t.elapsed, { seconds: (elapsedMs / 1000).toFixed(1) })}
        </Typography.Text>
      </div>
    );
  }
  if (phase === 'failed') {
    return (
      <QueryState isPending={false} error={error ?? t.failed}>
        {null}
      </QueryState>
    );
  }
  return null;
}

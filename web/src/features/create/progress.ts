import type { WorkflowStatus } from '../../client/types.gen';

/** Where a generation stands, as the page shows it. */
export type Phase = 'idle' | 'starting' | 'running' | 'done' | 'failed';

/** Reads the BFF's workflow status (`/api/v1/workflows/{id}`) into the page's phase. */
export function phaseOf(status: Pick<WorkflowStatus, 'status'> | undefined, started: boolean): Phase {
  if (!started) return 'idle';
  if (status === undefined) return 'starting';
  switch (status.status) {
    case 'completed':
      return 'done';
    case 'running':
    case 'continued_as_new':
      return 'running';
    default:
      return 'failed';
  }
}

/** A progress bar that moves while the run goes on (the BFF tells no fraction): slows towards 95 %. */
export function progressPercent(phase: Phase, elapsedMs: number): number {
  if (phase === 'done') return 100;
  if (phase === 'idle') return 0;
  if (phase === 'starting') return 5;
  return Math.min(95, Math.round(10 + 85 * (1 - Math.exp(-elapsedMs / 4000))));
}

import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { workflowsGetWorkflowOptions } from '../../client/@tanstack/react-query.gen';
import { generationGenerateTitles } from '../../client/sdk.gen';
import type { TitleRequest, TitlesResponse, WorkflowStatus } from '../../client/types.gen';
import { type Phase, phaseOf } from './progress';

const POLL_MS = 700;

/**
 * Starts a title generation without waiting (`?wait=false`: 202 with the workflow id) and polls the
 * workflow until it completes; an Idempotency-Key per click makes a retried request re-attach to its run.
 */
export function useTitleGeneration() {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const start = useMutation({
    mutationFn: async (body: TitleRequest) => {
      const { data } = await generationGenerateTitles({
        body,
        query: { wait: false },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        throwOnError: true,
      });
      return data.workflow_id;
    },
    onMutate: () => setStartedAt(Date.now()),
  });

  const workflowId = start.data;
  const poll = useQuery({
    ...workflowsGetWorkflowOptions({ path: { workflow_id: workflowId ?? '' } }),
    enabled: workflowId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });

  const phase: Phase = start.isError ? 'failed' : phaseOf(poll.data, startedAt !== null);
  const running = phase === 'starting' || phase === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [running]);

  const status: WorkflowStatus | undefined = poll.data;
  const result = phase === 'done' ? (status?.result as unknown as TitlesResponse | undefined) : undefined;
  return {
    start: (body: TitleRequest) => start.mutate(body),
    reset: () => {
      start.reset();
      setStartedAt(null);
    },
    phase,
    stage: status?.stage ?? null,
    elapsedMs: startedAt === null ? 0 : Math.max(0, now - startedAt),
    result,
    error: start.error ?? poll.error ?? (phase === 'failed' ? (status?.error ?? null) : null),
  };
}

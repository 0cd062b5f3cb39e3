import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { workflowsGetWorkflowOptions } from '../../client/@tanstack/react-query.gen';
import {
  generationGenerateCopywriting,
  generationGenerateImagePost,
  generationGenerateTitles,
  generationGenerateVideoScript,
} from '../../client/sdk.gen';
import type {
  CopywritingRequest,
  CopywritingResponse,
  ImagePostRequest,
  ImagePostResponse,
  TitleRequest,
  TitlesResponse,
  VideoScriptRequest,
  VideoScriptResponse,
  WorkflowStatus,
} from '../../client/types.gen';
import { type Phase, phaseOf } from './progress';

const POLL_MS = 700;

/** How a generation is started without waiting: its workflow id. */
type Starter<Req> = (body: Req, idempotencyKey: string) => Promise<string>;

/**
 * Starts a generation without waiting (`?wait=false`: 202 with the workflow id) and polls the workflow
 * until it completes; an Idempotency-Key per click makes a retried request re-attach to its run.
 */
export function useGeneration<Req, Res>(startRun: Starter<Req>) {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const start = useMutation({
    mutationFn: (body: Req) => startRun(body, crypto.randomUUID()),
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
  const result = phase === 'done' ? (status?.result as unknown as Res | undefined) : undefined;
  return {
    start: (body: Req) => start.mutate(body),
    reset: () => {
      start.reset();
      setStartedAt(null);
    },
    phase,
    running,
    stage: status?.stage ?? null,
    elapsedMs: startedAt === null ? 0 : Math.max(0, now - startedAt),
    result,
    error: start.error ?? poll.error ?? (phase === 'failed' ? (status?.error ?? null) : null),
  };
}

export type Generation = ReturnType<typeof useGeneration>;

const later = { query: { wait: false }, throwOnError: true } as const;

export function useTitleGeneration() {
  return useGeneration<TitleRequest, TitlesResponse>(async (body, key) => {
    const { data } = await generationGenerateTitles({ body, headers: { 'Idempotency-Key': key }, ...later });
    return data.workflow_id;
  });
}

export function useCopywritingGeneration() {
  return useGeneration<CopywritingRequest, CopywritingResponse>(async (body, key) => {
    const { data } = await generationGenerateCopywriting({
      body,
      headers: { 'Idempotency-Key': key },
      ...later,
    });
    return data.workflow_id;
  });
}

export function useImagePostGeneration() {
  return useGeneration<ImagePostRequest, ImagePostResponse>(async (body, key) => {
    const { data } = await generationGenerateImagePost({
      body,
      headers: { 'Idempotency-Key': key },
      ...later,
    });
    return data.workflow_id;
  });
}

export function useVideoScriptGeneration() {
  return useGeneration<VideoScriptRequest, VideoScriptResponse>(async (body, key) => {
    const { data } = await generationGenerateVideoScript({
      body,
      headers: { 'Idempotency-Key': key },
      ...later,
    });
    return data.workflow_id;
  });
}

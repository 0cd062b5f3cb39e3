import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { TitlesPage } from './titles';

const RESULT = {
  content_id: 'content-42',
  candidates: [
    { text: '全网最好用的防晒霜', formula: 'contrast', length: 9 },
    { text: '3 个防晒误区', formula: 'number', length: 7 },
  ],
  compliance: {
    passed: false,
    findings: [
      { term: '最好', category: 'absolute_claim', field: 'candidates[0].text', suggestion: '换成“很好”' },
    ],
  },
};

describe('TitlesPage', () => {
  it('starts without waiting, polls the workflow, then lists candidates with findings marked', async () => {
    setToken('tok');
    let polls = 0;
    const bff = fakeBff({
      'GET /api/v1/auth/me': () =>
        json({ user_id: 'u', tenant_id: 't', username: 'olivia', role: 'operator' }),
      'POST /api/v1/titles': () =>
        json({ workflow_id: 'titles-1', status: 'running', status_url: '/api/v1/workflows/titles-1' }, 202),
      'GET /api/v1/workflows/titles-1': () => {
        polls += 1;
        return polls < 2
          ? json({ workflow_id: 'titles-1', workflow_type: 'TitleGenerationWorkflow', status: 'running' })
          : json({
              workflow_id: 'titles-1',
              workflow_type: 'TitleGenerationWorkflow',
              status: 'completed',
              result: RESULT,
            });
      },
    });
    renderAt('/create/titles', [
      { path: '/create/titles', element: <TitlesPage /> },
      { path: '/contents/:id', element: <div>draft page</div> },
    ]);

    await userEvent.type(screen.getByTestId('topic'), '夏季防晒');
    await userEvent.click(screen.getByTestId('generate'));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();

    const results = await screen.findByTestId('results');
    expect(within(results).getAllByTestId('candidate')).toHaveLength(2);
    expect(within(results).getByTestId('flagged-term')).toHaveTextContent('最好');
    expect(within(results).getByTestId('compliance')).toHaveTextContent('发现 1 处合规问题');
    expect(polls).toBeGreaterThanOrEqual(2);

    const start = bff.requests.find((r) => r.method === 'POST');
    expect(start && new URL(start.url).searchParams.get('wait')).toBe('false');
    expect(start?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(await start?.json()).toMatchObject({ topic: '夏季防晒', platform: 'douyin', count: 5 });

    await userEvent.click(screen.getByTestId('open-draft'));
    expect(await screen.findByText('draft page')).toBeInTheDocument();
  });

  it('shows why a run failed', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json({ user_id: 'u', tenant_id: 't', username: 'o', role: 'operator' }),
      'POST /api/v1/titles': () => json({ workflow_id: 'w', status: 'running', status_url: '/x' }, 202),
      'GET /api/v1/workflows/w': () =>
        json({ workflow_id: 'w', workflow_type: 'T', status: 'failed', error: 'agent unavailable' }),
    });
    renderAt('/create/titles', [{ path: '/create/titles', element: <TitlesPage /> }]);
    await userEvent.type(screen.getByTestId('topic'), '选题');
    await userEvent.click(screen.getByTestId('generate'));
    expect(await screen.findByTestId('load-error')).toHaveTextContent('agent unavailable');
  });

  it('tells a role that may not generate so', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/auth/me': () => json({ user_id: 'u', tenant_id: 't', username: 'v', role: 'viewer' }),
    });
    renderAt('/create/titles', [{ path: '/create/titles', element: <TitlesPage /> }]);
    expect(await screen.findByTestId('forbidden')).toBeInTheDocument();
  });
});

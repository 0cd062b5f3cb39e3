import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { Suggestions } from './Suggestions';

const tick = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** A conversation with no set yet whose generation is accepted (202) and whose workflow says `status`. */
function bffWithRun(status: () => string) {
  const bff = fakeBff({
    'GET /api/v1/conversations/cv1/suggestions': () => json({ detail: 'no suggestions yet' }, 404),
    'POST /api/v1/conversations/cv1/suggestions': () =>
      json({ workflow_id: 'wf1', status_url: '/api/v1/workflows/wf1' }, 202),
    'GET /api/v1/workflows/wf1': () =>
      json({ workflow_id: 'wf1', workflow_type: 'ReplySuggestionsWorkflow', status: status() }),
  });
  const count = (method: string, path: string) =>
    bff.requests.filter((r) => r.method === method && new URL(r.url).pathname === path).length;
  return {
    polls: () => count('GET', '/api/v1/conversations/cv1/suggestions'),
    asks: () => count('POST', '/api/v1/conversations/cv1/suggestions'),
  };
}

function renderSuggestions() {
  renderAt('/', [{ path: '/', element: <Suggestions conversationId="cv1" onInsert={() => {}} /> }]);
}

describe('reply suggestions being written', () => {
  afterEach(() => vi.useRealTimers());

  it('stops waiting for a set that never comes after two minutes, says so, and asks again on retry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    setToken('tok');
    const bff = bffWithRun(() => 'running');
    renderSuggestions();
    await tick(100);
    fireEvent.click(screen.getByTestId('suggest'));
    await tick(100);
    expect(screen.getByText('正在生成建议…')).toBeInTheDocument();
    await tick(118_000);
    expect(screen.queryByTestId('suggest-failed')).toBeNull();
    await tick(2_000);
    expect(screen.getByTestId('suggest-failed')).toHaveTextContent('生成建议失败或超时');
    expect(screen.queryByText('正在生成建议…')).toBeNull();
    // The polling stopped with the wait.
    const polled = bff.polls();
    expect(polled).toBeGreaterThan(30);
    await tick(60_000);
    expect(bff.polls()).toBe(polled);

    fireEvent.click(screen.getByRole('button', { name: /重\s*试/ }));
    await tick(100);
    expect(bff.asks()).toBe(2);
    expect(screen.queryByTestId('suggest-failed')).toBeNull();
    expect(screen.getByText('正在生成建议…')).toBeInTheDocument();
  });

  it('says at once when the generation failed, without waiting out the two minutes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    setToken('tok');
    let status = 'running';
    const bff = bffWithRun(() => status);
    renderSuggestions();
    await tick(100);
    fireEvent.click(screen.getByTestId('suggest'));
    await tick(4_000);
    expect(screen.queryByTestId('suggest-failed')).toBeNull();
    status = 'failed';
    await tick(4_000);
    expect(screen.getByTestId('suggest-failed')).toBeInTheDocument();
    const polled = bff.polls();
    await tick(10_000);
    expect(bff.polls()).toBe(polled);
  });
});

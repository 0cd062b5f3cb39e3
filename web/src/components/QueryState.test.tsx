import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { QueryState } from './QueryState';

function Draft() {
  const [text, setText] = useState('');
  return <input aria-label="draft" value={text} onChange={(e) => setText(e.target.value)} />;
}

describe('QueryState', () => {
  it('puts the error in place of the page when nothing was loaded', () => {
    render(
      <QueryState isPending={false} error={new Error('boom')} hasData={false}>
        <Draft />
      </QueryState>,
    );
    expect(screen.getByTestId('load-error')).toHaveTextContent('boom');
    expect(screen.queryByLabelText('draft')).toBeNull();
  });

  it('keeps loaded data and what is being typed when a refetch fails, with a retry and a close', () => {
    const retry = vi.fn();
    const { rerender } = render(
      <QueryState isPending={false} error={null} hasData onRetry={retry}>
        <Draft />
      </QueryState>,
    );
    fireEvent.change(screen.getByLabelText('draft'), { target: { value: '半句回复' } });
    const failure = new Error('offline');
    rerender(
      <QueryState isPending={false} error={failure} hasData onRetry={retry}>
        <Draft />
      </QueryState>,
    );
    expect(screen.queryByTestId('load-error')).toBeNull();
    expect(screen.getByTestId('refresh-error')).toHaveTextContent('offline');
    expect(screen.getByLabelText('draft')).toHaveValue('半句回复');

    fireEvent.click(screen.getByRole('button', { name: /重\s*试/ }));
    expect(retry).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole('button', { name: /close/i }));
    expect(screen.queryByTestId('refresh-error')).toBeNull();
    expect(screen.getByLabelText('draft')).toHaveValue('半句回复');

    // A new failure shows again.
    rerender(
      <QueryState isPending={false} error={new Error('again')} hasData onRetry={retry}>
        <Draft />
      </QueryState>,
    );
    expect(screen.getByTestId('refresh-error')).toHaveTextContent('again');
  });
});

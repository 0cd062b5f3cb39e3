import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { BrandsTab } from './BrandsTab';
import { KnowledgeTab } from './KnowledgeTab';
import { ScoringTab } from './ScoringTab';
import { ViralTab } from './ViralTab';

const STAMP = { created_at: '2026-12-01T08:00:00Z', updated_at: '2026-12-01T08:00:00Z', created_by: 'u' };
const refused = (detail: string, status: number) => () => json({ detail, code: 'conflict' }, status);

async function confirmRemove(label: RegExp) {
  fireEvent.click(await screen.findByRole('button', { name: label }));
  fireEvent.click(await screen.findByRole('button', { name: /确\s*定|OK/ }));
}

describe('settings tabs say why a removal was refused', () => {
  it('brands: archiving', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/douyin/accounts': () => json([]),
      'GET /api/v1/brands': () =>
        json({
          items: [{ id: 'b1', version: 1, archived: false, profile: { name: '小鹿' }, ...STAMP }],
          total: 1,
          limit: 200,
          offset: 0,
        }),
      'DELETE /api/v1/brands/b1': refused('brand b1 is used by 2 journeys', 409),
    });
    renderAt('/', [{ path: '/', element: <BrandsTab canWrite /> }]);
    await screen.findByText('小鹿');
    await confirmRemove(/归\s*档/);
    expect(await screen.findByText('brand b1 is used by 2 journeys')).toBeInTheDocument();
  });

  it('knowledge: deleting', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/knowledge': () =>
        json({
          items: [
            {
              id: 'k1',
              question: '营业时间？',
              answer: '9 点到 21 点',
              variants: [],
              tags: [],
              brand_id: null,
              enabled: true,
              version: 1,
              ...STAMP,
            },
          ],
          total: 1,
          limit: 100,
          offset: 0,
        }),
      'GET /api/v1/brands': () => json({ items: [], total: 0, limit: 200, offset: 0 }),
      'DELETE /api/v1/knowledge/k1': refused('knowledge k1 not found', 404),
    });
    renderAt('/', [{ path: '/', element: <KnowledgeTab canWrite /> }]);
    await screen.findByText('营业时间？');
    await confirmRemove(/删\s*除/);
    expect(await screen.findByText('knowledge k1 not found')).toBeInTheDocument();
  });

  it('scoring: going back to the defaults', async () => {
    setToken('tok');
    fakeBff({
      'GET /api/v1/scoring-rules': () =>
        json({ custom: true, version: 3, rules: [], levels: { warm: 10, hot: 30 } }),
      'DELETE /api/v1/scoring-rules': refused('only admins may reset the rules', 403),
    });
    renderAt('/', [{ path: '/', element: <ScoringTab canWrite /> }]);
    await screen.findByTestId('scoring-form');
    await confirmRemove(/恢复默认/);
    // A 403 is said in Chinese (lib/api.ts), whatever the BFF's English detail.
    expect(await screen.findByText('当前角色无权执行此操作')).toBeInTheDocument();
  });
});

describe('InlineForm', () => {
  it('keeps what is typed while the save is on its way, as unsaved', async () => {
    setToken('tok');
    let answer: () => void = () => {};
    fakeBff({
      'GET /api/v1/viral-rules': () =>
        json({
          enabled: true,
          metric: 'play_count',
          ratio: 3,
          min_value: 1000,
          baseline_days: 30,
          min_samples: 5,
          min_age_minutes: 60,
          max_age_hours: 72,
          variant_count: 2,
          similarity_threshold: 0.8,
          auto_schedule: false,
        }),
      'PUT /api/v1/viral-rules': async (request) => {
        const body = await request.json();
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return json(body);
      },
    });
    renderAt('/', [{ path: '/', element: <ViralTab canWrite /> }]);
    const form = await screen.findByTestId('viral-form');
    const toggle = (id: string) => fireEvent.click(form.querySelector(`#${id}`) as HTMLElement);
    toggle('auto_schedule');
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(screen.getByTestId('form-save')).toHaveClass('ant-btn-loading'));
    toggle('enabled');
    answer();
    await waitFor(() => expect(screen.getByTestId('form-save')).not.toHaveClass('ant-btn-loading'));
    // The saved change and the one made meanwhile both stay; the latter still to be saved.
    expect(form.querySelector('#auto_schedule')).toHaveAttribute('aria-checked', 'true');
    expect(form.querySelector('#enabled')).toHaveAttribute('aria-checked', 'false');
    expect(screen.getByTestId('form-save')).toBeEnabled();
    expect(screen.queryByText('已保存')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { menuItems, selectedKey } from './menu';
import { canSee, homeFor, PAGE_ROLES } from './roles';

const keysOf = (role: string) =>
  menuItems(role).flatMap((area) =>
    area && 'children' in area && area.children ? area.children.map((c) => String(c?.key)) : [],
  );

describe('pages by role', () => {
  it('shows creation to admins and operators only, as the BFF authorises generation', () => {
    expect(PAGE_ROLES['create.titles']).toEqual(['admin', 'operator']);
    expect(keysOf('operator')).toEqual(expect.arrayContaining(['/create/titles', '/contents']));
    expect(keysOf('viewer')).toContain('/contents');
    expect(keysOf('viewer')).not.toContain('/create/titles');
    expect(keysOf('reviewer')).not.toContain('/create/titles');
    expect(keysOf('viewer')).toContain('/performance');
    expect(keysOf('operator')).toEqual(expect.arrayContaining(['/performance', '/settings']));
    for (const role of ['operator', 'viewer', 'reviewer']) {
      expect(keysOf(role)).toEqual(expect.arrayContaining(['/calendar', '/accounts']));
    }
    expect(keysOf('operator')).toEqual(
      expect.arrayContaining(['/create/copywriting', '/create/image-post', '/create/video-script']),
    );
    expect(PAGE_ROLES['contents.edit']).toEqual(['admin', 'operator']);
    expect(keysOf('viewer')).not.toContain('/create/copywriting');
    expect(keysOf('nobody')).toEqual([]);
  });

  it('hides an area whose pages are all hidden', () => {
    expect(menuItems('agent').map((a) => a?.key)).not.toContain('create');
    expect(menuItems('agent').map((a) => a?.key)).toContain('contents');
  });

  it('shows journeys and materials to every role; designing journeys to operators, unenrolling to agents too', () => {
    for (const role of ['admin', 'operator', 'reviewer', 'agent', 'viewer']) {
      expect(keysOf(role)).toEqual(expect.arrayContaining(['/journeys', '/materials']));
    }
    expect(PAGE_ROLES['journeys.edit']).toEqual(['admin', 'operator']);
    expect(PAGE_ROLES['journeys.unenrol']).toEqual(['admin', 'operator', 'agent']);
    expect(selectedKey('/journeys/abc')).toBe('/journeys');
  });

  it('shows performance to every role and settings to admins and operators, as the BFF reads and writes them', () => {
    expect(PAGE_ROLES['insights.performance']).toEqual(['admin', 'operator', 'reviewer', 'agent', 'viewer']);
    expect(PAGE_ROLES.settings).toEqual(['admin', 'operator']);
    expect(canSee('agent', 'settings')).toBe(false);
    expect(selectedKey('/settings')).toBe('/settings');
  });

  it('sends each role home to a page it may use', () => {
    expect(homeFor('admin')).toBe('/create/titles');
    expect(homeFor('viewer')).toBe('/contents');
    expect(canSee(undefined, 'contents.list')).toBe(false);
  });

  it("lets every role read accounts and the calendar, and only the BFF's `Operator` roles change them", () => {
    expect(PAGE_ROLES['accounts.manage']).toEqual(['admin', 'operator']);
    expect(PAGE_ROLES['calendar.plan']).toEqual(['admin', 'operator']);
    expect(canSee('viewer', 'calendar.view')).toBe(true);
    expect(canSee('reviewer', 'accounts.manage')).toBe(false);
  });

  it('lights the list for its detail pages', () => {
    expect(selectedKey('/contents/abc')).toBe('/contents');
    expect(selectedKey('/create/titles')).toBe('/create/titles');
    expect(selectedKey('/elsewhere')).toBe('');
  });
});

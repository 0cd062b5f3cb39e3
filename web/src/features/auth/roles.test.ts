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
    expect(keysOf('operator')).toEqual([
      '/create/titles',
      '/create/copywriting',
      '/create/image-post',
      '/create/video-script',
      '/contents',
    ]);
    expect(PAGE_ROLES['contents.edit']).toEqual(['admin', 'operator']);
    expect(keysOf('viewer')).toEqual(['/contents']);
    expect(keysOf('reviewer')).toEqual(['/contents']);
    expect(keysOf('nobody')).toEqual([]);
  });

  it('hides an area whose pages are all hidden', () => {
    expect(menuItems('agent').map((a) => a?.key)).toEqual(['contents']);
  });

  it('sends each role home to a page it may use', () => {
    expect(homeFor('admin')).toBe('/create/titles');
    expect(homeFor('viewer')).toBe('/contents');
    expect(canSee(undefined, 'contents.list')).toBe(false);
  });

  it('lights the list for its detail pages', () => {
    expect(selectedKey('/contents/abc')).toBe('/contents');
    expect(selectedKey('/create/titles')).toBe('/create/titles');
    expect(selectedKey('/elsewhere')).toBe('');
  });
});

/**
 * Which role sees which page: the menu hides the rest, and the BFF refuses them anyway (its routes'
 * `require_role`: generation is `Operator`, contents are readable by every user of the tenant). The
 * README's role table is this one.
 */
export type Role = 'admin' | 'operator' | 'reviewer' | 'agent' | 'viewer';
export type PageKey =
  | 'create.titles'
  | 'contents.list'
  | 'contents.detail'
  | 'create.copywriting'
  | 'create.imagePost'
  | 'create.videoScript'
  | 'contents.edit';

export const PAGE_ROLES: Record<PageKey, readonly Role[]> = {
  'create.titles': ['admin', 'operator'],
  'contents.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'contents.detail': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'create.copywriting': ['admin', 'operator'],
  'create.imagePost': ['admin', 'operator'],
  'create.videoScript': ['admin', 'operator'],
  // Not a page: what the detail page offers operators (edit, upload, submit, publish: the BFF's `Operator`).
  'contents.edit': ['admin', 'operator'],
};

export function canSee(role: string | undefined, page: PageKey): boolean {
  return role !== undefined && (PAGE_ROLES[page] as readonly string[]).includes(role);
}

/** The first page a role may use: where `/` leads after login. */
export function homeFor(role: string | undefined): string {
  return canSee(role, 'create.titles') ? '/create/titles' : '/contents';
}

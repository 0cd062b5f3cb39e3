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
  | 'inbox'
  | 'customers.tasks'
  | 'customers.leads'
  | 'customers.list'
  | 'journeys.list'
  | 'journeys.edit'
  | 'journeys.unenrol'
  | 'materials.list'
  | 'insights.performance'
  | 'settings'
  | 'accounts.list'
  | 'accounts.manage'
  | 'calendar.view'
  | 'calendar.plan'
  | 'create.copywriting'
  | 'create.imagePost'
  | 'create.videoScript'
  | 'contents.edit'
  | 'materials.media';

export const PAGE_ROLES: Record<PageKey, readonly Role[]> = {
  'create.titles': ['admin', 'operator'],
  'contents.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'contents.detail': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  inbox: ['admin', 'operator', 'agent'],
  'customers.tasks': ['admin', 'operator', 'agent'],
  'customers.leads': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'customers.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  // Journeys are read by every user; designed, published and simulated by `Operator`; unenrolled by agents too.
  'journeys.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'journeys.edit': ['admin', 'operator'],
  'journeys.unenrol': ['admin', 'operator', 'agent'],
  // Every user may open the material library; what they may do in a library is their membership's.
  'materials.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  // The dashboard and metrics are readable by every user; settings are written by admins and operators
  // (users and notification webhooks by admins only, tabs the page hides from operators).
  'insights.performance': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  settings: ['admin', 'operator'],
  // Accounts and the calendar are readable by every user; binding, unbinding and planning are `Operator`.
  'accounts.list': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'accounts.manage': ['admin', 'operator'],
  'calendar.view': ['admin', 'operator', 'reviewer', 'agent', 'viewer'],
  'calendar.plan': ['admin', 'operator'],
  'create.copywriting': ['admin', 'operator'],
  'create.imagePost': ['admin', 'operator'],
  'create.videoScript': ['admin', 'operator'],
  // Not a page: what the detail page offers operators (edit, upload, submit, publish: the BFF's `Operator`).
  'contents.edit': ['admin', 'operator'],
  // Not a page: image and video materials (and their versions) go through the media upload, `Operator`.
  'materials.media': ['admin', 'operator'],
};

export function canSee(role: string | undefined, page: PageKey): boolean {
  return role !== undefined && (PAGE_ROLES[page] as readonly string[]).includes(role);
}

/** The first page a role may use: where `/` leads after login. */
export function homeFor(role: string | undefined): string {
  return canSee(role, 'create.titles') ? '/create/titles' : '/contents';
}

/**
 * The bearer token of the signed-in user, kept in localStorage so a reload keeps the session. The BFF
 * revokes it on logout; any 401 clears it here and sends the user to the login page.
 */
const TOKEN_KEY = 'douflow.token';

export function getToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  window.localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  window.localStorage.removeItem(TOKEN_KEY);
}

/** Where the login page sends the user back to: only a path of this console, never another site. */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) {
    return '/';
  }
  return next;
}

/** The login page's address that comes back to `location` (path, query and hash) after login. */
export function loginPath(location: { pathname: string; search?: string; hash?: string }): string {
  const back = `${location.pathname}${location.search ?? ''}${location.hash ?? ''}`;
  const next = safeNext(back);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

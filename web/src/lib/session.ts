/**
 * The bearer token of the signed-in user, kept in localStorage so a reload keeps the session. The BFF
 * revokes it on logout; any 401 clears it here and sends the user to the login page.
 */
const TOKEN_KEY = 'douflow.token';
const EXPIRES_KEY = 'douflow.tokenExpiresAt';

export function getToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

/** Keeps the token and, when the BFF said (`expires_in`, seconds), when it expires. */
export function setToken(token: string, expiresIn?: number, now: number = Date.now()): void {
  window.localStorage.setItem(TOKEN_KEY, token);
  if (expiresIn === undefined) window.localStorage.removeItem(EXPIRES_KEY);
  else window.localStorage.setItem(EXPIRES_KEY, String(now + expiresIn * 1000));
}

/** When the token expires (epoch ms), if known. */
export function getTokenExpiry(): number | null {
  const raw = window.localStorage.getItem(EXPIRES_KEY);
  return raw && Number.isFinite(Number(raw)) ? Number(raw) : null;
}

const endListeners = new Set<() => void>();

/** Runs `listener` whenever the session ends here (logout or a 401): what belongs to the user is forgotten. */
export function onSessionEnd(listener: () => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

export function clearToken(): void {
  window.localStorage.removeItem(TOKEN_KEY);
  window.localStorage.removeItem(EXPIRES_KEY);
  for (const listener of endListeners) listener();
}

export interface SlidingSessionOptions {
  /** `POST /api/v1/auth/refresh`: a fresh token for the same login session. */
  refresh: () => Promise<{ access_token: string; expires_in: number }>;
  /** How often to look at the clock. */
  checkMs?: number;
  /** Refresh when the token has less than this left. */
  marginMs?: number;
  /** What counts as the user being active. */
  activityEvents?: readonly string[];
  now?: () => number;
}

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'mousemove', 'wheel', 'touchstart'] as const;

/**
 * Sliding sessions: while the user works, the token is exchanged for a fresh one shortly before it expires,
 * so a working day needs no new login; an idle console lets it lapse (the BFF's idle limit), and the next
 * call's 401 leads to login. A refresh that fails is left to that 401 too. Returns stop().
 */
export function startSlidingSession(options: SlidingSessionOptions): () => void {
  const { checkMs = 30_000, marginMs = 120_000, now = Date.now } = options;
  let active = false; // since the current token was issued
  let inFlight = false;
  const onActivity = () => {
    active = true;
  };
  const events = options.activityEvents ?? ACTIVITY_EVENTS;
  for (const name of events) window.addEventListener(name, onActivity, { passive: true });
  const timer = setInterval(() => {
    const expires = getTokenExpiry();
    if (inFlight || !getToken() || expires === null) return;
    const left = expires - now();
    if (left > marginMs || left <= 0 || !active) return;
    inFlight = true;
    active = false;
    // A logout (and perhaps another user's login) while the refresh travels: its answer is for a session
    // that is no longer this one's, and must not replace the token of the one that is.
    const refreshed = getToken();
    options
      .refresh()
      .then((answer) => {
        if (getToken() === refreshed) setToken(answer.access_token, answer.expires_in, now());
      })
      .catch(() => {
        active = true;
      })
      .finally(() => {
        inFlight = false;
      });
  }, checkMs);
  return () => {
    clearInterval(timer);
    for (const name of events) window.removeEventListener(name, onActivity);
  };
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

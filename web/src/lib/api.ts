import { client } from '../client/client.gen';
import { clearToken, getToken, loginPath } from './session';

/** An answer of the BFF that is not a success: its status and its `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(detail);
  }
}

let onUnauthorized: () => void = () => {
  if (window.location.pathname !== '/login') window.location.assign(loginPath(window.location));
};

/** Lets the router replace the full-page redirect with a client-side navigation. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function detailOf(body: unknown, status: number): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    return typeof detail === 'string' ? detail : JSON.stringify(detail);
  }
  return `HTTP ${status}`;
}

/**
 * The one place the generated client is set up: same origin, the bearer from the session, errors thrown
 * as ApiError, and a 401 (the session ended or expired) clears the token and goes to the login page.
 */
export function configureApi(baseUrl = ''): void {
  client.setConfig({ baseUrl, auth: () => getToken() ?? undefined, throwOnError: true });
  client.interceptors.error.use((error, response, request) => {
    const status = response?.status ?? 0;
    // A wrong password is the login form's own 401: only a signed-in call's 401 ends the session.
    if (status === 401 && !new URL(request.url).pathname.endsWith('/auth/token')) {
      clearToken();
      onUnauthorized();
    }
    return new ApiError(status, detailOf(error, status), error);
  });
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

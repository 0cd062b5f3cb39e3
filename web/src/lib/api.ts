import { client } from '../client/client.gen';
import { zhCN } from '../locales/zh-CN';
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

/**
 * What the user reads of a failed answer: the BFF's `detail` (a 4xx's is written for the user, a 422's names
 * the fields), but a 403 in the console's words (the BFF's names roles in English), and a status alone when
 * there is no detail.
 */
function detailOf(body: unknown, status: number): string {
  if (status === 403) return zhCN.common.noPermission;
  if (status === 0) return zhCN.common.networkError;
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    return typeof detail === 'string' ? detail : JSON.stringify(detail);
  }
  return zhCN.common.httpError(status);
}

/** The ApiError of an answer that is not a success, for requests made outside the generated client. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  return new ApiError(status, detailOf(body, status), body);
}

/** A signed-in call was answered 401 (the session ended or expired): clear the token and go to login. */
export function endSession(): void {
  clearToken();
  onUnauthorized();
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
    if (status === 401 && !new URL(request.url).pathname.endsWith('/auth/token')) endSession();
    return apiErrorOf(status, error);
  });
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

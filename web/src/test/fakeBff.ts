import { vi } from 'vitest';

type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * A stand-in for the BFF behind `fetch`: routes by "METHOD /path", records every request, and answers
 * 404 to anything it does not know, so a page calling an unexpected route fails its test.
 */
export function fakeBff(routes: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const handler = routes[`${request.method} ${new URL(request.url).pathname}`];
    return handler ? handler(request) : json({ detail: 'Not Found' }, 404);
  });
  vi.stubGlobal('fetch', fetch);
  return { requests, fetch };
}

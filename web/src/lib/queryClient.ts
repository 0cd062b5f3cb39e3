import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api';

/** Server state lives here only; a 4xx is an answer, not a glitch, so it is never retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) =>
          !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

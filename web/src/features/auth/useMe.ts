import { useQuery } from '@tanstack/react-query';
import { authMeOptions } from '../../client/@tanstack/react-query.gen';

/** The signed-in user (role included), read once per session and shared by the layout and the pages. */
export function useMe() {
  return useQuery({ ...authMeOptions(), staleTime: 5 * 60_000, retry: false });
}

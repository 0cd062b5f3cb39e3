import { useQuery } from '@tanstack/react-query';
import { usersUserDirectoryOptions } from '../../client/@tanstack/react-query.gen';

/**
 * Names colleagues by their id from the team directory (readable by every user, former colleagues
 * included); until it answers, or for an id it does not list, the id's start stands in.
 */
export function useTeamNames(enabled = true): (id: string | null | undefined) => string {
  const directory = useQuery({
    ...usersUserDirectoryOptions({ query: { include_inactive: true } }),
    enabled,
    staleTime: 5 * 60_000,
  });
  const names = new Map(directory.data?.map((u) => [u.id, u.display_name]));
  return (id) => (id ? (names.get(id) ?? id.slice(0, 8)) : '–');
}

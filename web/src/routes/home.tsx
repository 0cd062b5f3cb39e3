import { Navigate } from 'react-router';
import { QueryState } from '../components/QueryState';
import { homeFor } from '../features/auth/roles';
import { useMe } from '../features/auth/useMe';

/** `/` leads to the first page the user's role may use. */
export function HomeRedirect() {
  const me = useMe();
  return (
    <QueryState isPending={me.isPending} error={me.error} hasData={me.data !== undefined}>
      <Navigate to={homeFor(me.data?.role)} replace />
    </QueryState>
  );
}

import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, redirect } from 'react-router';
import { RouteError } from './components/RouteError';
import { setUnauthorizedHandler } from './lib/api';
import { getToken, loginPath } from './lib/session';

/**
 * Every page is a lazy route, so the login page loads none of the signed-in pages' code. The signed-in
 * layout's loader sends a visitor without a token to /login?next=…; a 401 later does the same.
 */
export function createAppRouter(queryClient: QueryClient) {
  const router = createBrowserRouter([
    {
      path: '/login',
      lazy: async () => ({ Component: (await import('./routes/login')).LoginPage }),
      errorElement: <RouteError />,
    },
    {
      path: '/',
      loader: ({ request }) => {
        if (!getToken()) {
          const url = new URL(request.url);
          throw redirect(loginPath(url));
        }
        return null;
      },
      lazy: async () => ({ Component: (await import('./routes/layout')).SignedInLayout }),
      errorElement: <RouteError />,
      children: [
        { index: true, lazy: async () => ({ Component: (await import('./routes/home')).HomeRedirect }) },
        {
          path: 'create/titles',
          lazy: async () => ({ Component: (await import('./routes/create/titles')).TitlesPage }),
        },
        {
          path: 'contents',
          lazy: async () => ({ Component: (await import('./routes/contents/list')).ContentsPage }),
        },
        {
          path: 'contents/:contentId',
          lazy: async () => ({ Component: (await import('./routes/contents/detail')).ContentDetailPage }),
        },
        { path: 'inbox', lazy: async () => ({ Component: (await import('./routes/inbox')).InboxPage }) },
        {
          path: 'inbox/:conversationId',
          lazy: async () => ({ Component: (await import('./routes/inbox')).InboxPage }),
        },
        {
          path: 'tasks',
          lazy: async () => ({ Component: (await import('./routes/customers/tasks')).TasksPage }),
        },
        {
          path: 'leads',
          lazy: async () => ({ Component: (await import('./routes/customers/leads')).LeadsPage }),
        },
        {
          path: 'customers',
          lazy: async () => ({ Component: (await import('./routes/customers/list')).CustomersPage }),
        },
        {
          path: 'customers/:customerId',
          lazy: async () => ({ Component: (await import('./routes/customers/list')).CustomersPage }),
        },
        {
          path: 'journeys',
          lazy: async () => ({ Component: (await import('./routes/journeys/list')).JourneysPage }),
        },
        {
          path: 'journeys/:journeyId',
          lazy: async () => ({ Component: (await import('./routes/journeys/designer')).JourneyDesignerPage }),
        },
        {
          path: 'materials',
          lazy: async () => ({ Component: (await import('./routes/materials')).MaterialsPage }),
        },
        {
          path: 'performance',
          lazy: async () => ({ Component: (await import('./routes/performance')).PerformancePage }),
        },
        {
          path: 'settings',
          lazy: async () => ({ Component: (await import('./routes/settings')).SettingsPage }),
        },
        {
          path: 'accounts',
          lazy: async () => ({ Component: (await import('./routes/accounts/list')).AccountsPage }),
        },
        {
          path: 'calendar',
          lazy: async () => ({ Component: (await import('./routes/calendar/calendar')).CalendarPage }),
        },
        {
          path: 'create/copywriting',
          lazy: async () => ({ Component: (await import('./routes/create/copywriting')).CopywritingPage }),
        },
        {
          path: 'create/image-post',
          lazy: async () => ({ Component: (await import('./routes/create/image-post')).ImagePostPage }),
        },
        {
          path: 'create/video-script',
          lazy: async () => ({ Component: (await import('./routes/create/video-script')).VideoScriptPage }),
        },
        { path: '*', lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundPage }) },
      ],
    },
  ]);
  setUnauthorizedHandler(() => {
    queryClient.clear();
    // Several queries of one page may fail together: the first one leads to login, with its `next`.
    if (router.state.location.pathname !== '/login') {
      void router.navigate(loginPath(router.state.location), { replace: true });
    }
  });
  return router;
}

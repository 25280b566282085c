import { lazy, Suspense } from 'react';
import type { AppRoute, RouteProps } from '../app/router.tsx';
import { Spinner } from '../ui/index.ts';

// mediasoup-client and the consoles load only when a live page opens (the rest of the app stays small on a rural link).
const LiveHomeLazy = lazy(() => import('./LiveHome.tsx').then((m) => ({ default: m.LiveHome })));
const LivePageLazy = lazy(() => import('./LivePage.tsx').then((m) => ({ default: m.LivePage })));

const LiveHome = () => (
  <Suspense fallback={<Spinner />}>
    <LiveHomeLazy />
  </Suspense>
);
const LivePage = (props: RouteProps) => (
  <Suspense fallback={<Spinner />}>
    <LivePageLazy {...props} />
  </Suspense>
);

/** Live classrooms (issue #4). Auditors and admins do not join live sessions (patrol comes later). */
export const liveRoutes: AppRoute[] = [
  {
    path: '/live',
    component: LiveHome,
    roles: ['coordinator', 'teacher', 'classroom'],
    nav: { labelKey: 'nav.live', roles: ['coordinator', 'teacher', 'classroom'], section: 'teaching', icon: 'video', order: 5 },
  },
  { path: '/live/:sessionId', component: LivePage, roles: ['coordinator', 'teacher', 'classroom'] },
];

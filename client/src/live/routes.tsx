import { lazy, Suspense, type ComponentType } from 'react';
import type { AppRoute, RouteProps } from '../app/router.tsx';
import { Spinner } from '../ui/index.ts';

// mediasoup-client and the consoles load only when a live page opens (the rest of the app stays small on a rural link).
const LiveHomeLazy = lazy(() => import('./LiveHome.tsx').then((m) => ({ default: m.LiveHome })));
const LivePageLazy = lazy(() => import('./LivePage.tsx').then((m) => ({ default: m.LivePage })));
const PatrolHomeLazy = lazy(() => import('./PatrolHome.tsx').then((m) => ({ default: m.PatrolHome })));
const ParticipationPageLazy = lazy(() => import('./ParticipationPage.tsx').then((m) => ({ default: m.ParticipationPage })));
const RulesPageLazy = lazy(() => import('./RulesPage.tsx').then((m) => ({ default: m.RulesPage })));

const suspended = (C: ComponentType<RouteProps>) =>
  function Suspended(props: RouteProps) {
    return (
      <Suspense fallback={<Spinner />}>
        <C {...props} />
      </Suspense>
    );
  };

const LiveHome = suspended(LiveHomeLazy);
const LivePage = suspended(LivePageLazy);
const PatrolHome = suspended(PatrolHomeLazy);
const ParticipationPage = suspended(ParticipationPageLazy);
const RulesPage = suspended(RulesPageLazy);

/**
 * Live classrooms (issue #4) and oversight (issue #6): coordinators and auditors
 * patrol live sessions (巡课) invisibly; a session's participation data after it
 * ends; the admin's counting rules.
 */
export const liveRoutes: AppRoute[] = [
  {
    path: '/live',
    component: LiveHome,
    roles: ['coordinator', 'teacher', 'classroom'],
    nav: { labelKey: 'nav.live', roles: ['coordinator', 'teacher', 'classroom'], section: 'teaching', icon: 'video', order: 5 },
  },
  {
    path: '/live/patrol',
    component: PatrolHome,
    roles: ['coordinator', 'auditor'],
    nav: { labelKey: 'nav.patrol', roles: ['coordinator', 'auditor'], section: 'teaching', icon: 'search', order: 6 },
  },
  { path: '/live/report/:sessionId', component: ParticipationPage, roles: ['admin', 'auditor', 'coordinator', 'teacher'] },
  {
    path: '/live/rules',
    component: RulesPage,
    roles: ['admin'],
    nav: { labelKey: 'nav.liveRules', roles: ['admin'], section: 'system', icon: 'shield', order: 20 },
  },
  { path: '/live/:sessionId', component: LivePage, roles: ['coordinator', 'auditor', 'teacher', 'classroom'] },
];

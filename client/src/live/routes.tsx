import { lazyPage } from '../app/lazyPage.tsx';
import type { AppRoute } from '../app/router.tsx';

// mediasoup-client and the consoles load only when a live page opens.
const LiveHome = lazyPage(() => import('./LiveHome.tsx'), (m) => m.LiveHome);
const LivePage = lazyPage(() => import('./LivePage.tsx'), (m) => m.LivePage);
const PatrolHome = lazyPage(() => import('./PatrolHome.tsx'), (m) => m.PatrolHome);
const ParticipationPage = lazyPage(() => import('./ParticipationPage.tsx'), (m) => m.ParticipationPage);
const RulesPage = lazyPage(() => import('./RulesPage.tsx'), (m) => m.RulesPage);
const ReplayPage = lazyPage(() => import('./replay/ReplayPage.tsx'), (m) => m.ReplayPage);

/**
 * Live classrooms (issue #4) and oversight (issue #6): coordinators and auditors
 * patrol live sessions (巡课) invisibly; a session's participation data after it
 * ends, and a recording's playback with its courseware and strokes; the admin's counting rules.
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
  // The recordings' audience (server/live/recordings.ts).
  { path: '/live/replay/:recordingId', component: ReplayPage, roles: ['auditor', 'coordinator', 'teacher'] },
  {
    path: '/live/rules',
    component: RulesPage,
    roles: ['admin'],
    nav: { labelKey: 'nav.liveRules', roles: ['admin'], section: 'system', icon: 'shield', order: 20 },
  },
  { path: '/live/:sessionId', component: LivePage, roles: ['coordinator', 'auditor', 'teacher', 'classroom'] },
];

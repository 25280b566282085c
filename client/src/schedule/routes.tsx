import type { AppRoute } from '../app/router.tsx';
import { CalendarPage } from './CalendarPage.tsx';
import { DispatchPage } from './DispatchPage.tsx';
import { ImportPage } from './ImportPage.tsx';
import { OfflineResearchPage } from './OfflineResearchPage.tsx';

/** Scheduling (issue #3): calendars, import, offline research, dispatch. */
export const scheduleRoutes: AppRoute[] = [
  {
    path: '/schedule',
    component: CalendarPage,
    nav: { labelKey: 'nav.schedule', roles: ['admin', 'auditor', 'coordinator', 'teacher', 'classroom'], section: 'teaching', icon: 'calendar', order: 10 },
  },
  { path: '/schedule/import', component: ImportPage, roles: ['admin', 'coordinator'] },
  {
    path: '/schedule/offline-research',
    component: OfflineResearchPage,
    roles: ['admin', 'auditor', 'coordinator', 'teacher'],
    nav: { labelKey: 'nav.offlineResearch', roles: ['admin', 'auditor', 'coordinator', 'teacher'], section: 'teaching', icon: 'folder', order: 20 },
  },
  {
    path: '/schedule/dispatch',
    component: DispatchPage,
    roles: ['admin', 'auditor', 'coordinator', 'teacher'],
    nav: { labelKey: 'nav.dispatch', roles: ['admin', 'auditor', 'coordinator'], section: 'teaching', icon: 'teacher', order: 30 },
  },
];

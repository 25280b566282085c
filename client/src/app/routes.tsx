import { accountRoutes } from '../accounts/routes.tsx';
import { auditRoutes } from '../audit/routes.tsx';
import { clusterRoutes } from '../cluster/routes.tsx';
import { authRoutes } from '../auth/routes.tsx';
import { communityRoutes } from '../communities/routes.tsx';
import { homeRoutes } from '../home/routes.tsx';
import { liveRoutes } from '../live/routes.tsx';
import { plannerRoutes } from '../planner/routes.tsx';
import { quotaRoutes } from '../quotas/routes.tsx';
import { rosterRoutes } from '../roster/routes.tsx';
import { schoolRoutes } from '../schools/routes.tsx';
import { scheduleRoutes } from '../schedule/routes.tsx';
import type { AppRoute } from './router.tsx';

/**
 * Every page of the app. A feature adds its pages (and side-navigation links)
 * by exporting an AppRoute[] from its folder and adding one line here, e.g.
 *   import { calendarRoutes } from '../calendar/routes.tsx';  …  ...calendarRoutes,
 * Entry shape: { path: '/communities/:communityId', component, roles?, nav?: { labelKey, roles, section, icon, order } }
 * (see app/router.tsx). Dictionary keys for nav labels go in i18n/zh-CN.ts and i18n/en.ts.
 */
export const routes: readonly AppRoute[] = [
  ...authRoutes,
  ...homeRoutes,
  ...communityRoutes,
  ...rosterRoutes,
  ...schoolRoutes,
  ...accountRoutes,
  ...scheduleRoutes,
  ...liveRoutes,
  ...quotaRoutes,
  ...plannerRoutes,
  ...auditRoutes,
  ...clusterRoutes,
];

import type { AppRoute } from '../app/router.tsx';
import { PlannerPage } from './PlannerPage.tsx';

/** The year planner: opened from the quota page's advice ("按此安排"); coordinators and administrators. */
export const plannerRoutes: AppRoute[] = [{ path: '/planner/:communityId', component: PlannerPage, roles: ['admin', 'coordinator'] }];

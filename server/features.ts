import type { FeatureRoutes } from './app.ts';
import type { RealtimeFeature } from './server.ts';
import { auditRoutes } from './audit/routes.ts';
import { clusterRealtime } from './cluster/index.ts';
import { clusterRoutes } from './cluster/routes.ts';
import { countyRoutes } from './county/routes.ts';
import { coursewareRoutes } from './courseware/index.ts';
import { liveRealtime, liveRoutes } from './live/index.ts';
import { plannerRoutes } from './planner/routes.ts';
import { quotaRealtime, quotaRoutes } from './quotas/index.ts';
import { rosterRoutes } from './roster/routes.ts';
import { scheduleRealtime, scheduleRoutes } from './schedule/index.ts';

/**
 * The features beyond the foundation, in one list so that main.ts and the test
 * harness start exactly the same platform.
 */
export const features: { routes: FeatureRoutes[]; realtime: RealtimeFeature[] } = {
  routes: [scheduleRoutes, liveRoutes, quotaRoutes, plannerRoutes, auditRoutes, countyRoutes, rosterRoutes, coursewareRoutes, clusterRoutes],
  // The cluster after the live feature: on shutdown it moves its lessons away before the rooms close.
  realtime: [scheduleRealtime, liveRealtime, clusterRealtime, quotaRealtime],
};

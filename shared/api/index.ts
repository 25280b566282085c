import { classToolsApi } from './classTools.ts';
import { countyApi } from './county.ts';
import { coursewareApi } from './courseware.ts';
import { foundationApi } from './foundation.ts';
import { liveApi } from './live.ts';
import { plannerApi } from './planner.ts';
import { quotasApi } from './quotas.ts';
import { rosterApi } from './roster.ts';
import { scheduleApi } from './schedule.ts';

/** Every REST endpoint of tongbu. Feature tables are merged here. */
export const api = {
  ...foundationApi,
  ...scheduleApi,
  ...liveApi,
  ...classToolsApi,
  ...quotasApi,
  ...plannerApi,
  ...countyApi,
  ...rosterApi,
  ...coursewareApi,
} as const;

export type Api = typeof api;
export type EndpointName = keyof Api;

import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { bind } from '../http/route.ts';
import { todayOf } from '../quotas/years.ts';
import { withActor } from '../audit/actor.ts';
import { accept, getPreferences, propose, savePreferences, type PlannerContext } from './service.ts';

/** The year planner: propose (reads only) and accept (one transaction, in the audit trail as the coordinator's act). */
export function plannerRoutes(router: Router, deps: AppDeps): void {
  const ctx: PlannerContext = {
    db: deps.database.db,
    today: () => todayOf(deps.config.quotas.today),
    // "Now" for S-SCHEDULE-PAST, pinned by SCHEDULE_NOW in tests like the scheduling routes.
    now: () => deps.config.schedule.now ?? new Date(),
  };
  bind(router, api.getPlanPreferences, ({ actor, params }) => getPreferences(ctx.db, actor, params.communityId));
  bind(router, api.savePlanPreferences, ({ actor, params, body }) => withActor(ctx.db, actor, (tx) => savePreferences(tx, actor, params.communityId, body)));
  bind(router, api.proposePlan, ({ actor, params, body }) => propose(ctx, actor, params.communityId, body));
  bind(router, api.acceptPlan, ({ actor, params, body }) => accept(ctx, actor, params.communityId, body));
}

import type { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { liveServiceFor, type LiveService } from '../live/service.ts';
import { CoursewareConverter } from './converter.ts';
import { CoursewareLive } from './CoursewareLive.ts';
import { coursewareRoutes as bindRoutes } from './routes.ts';
import { CoursewareStore } from './store.ts';
import { COURSEWARE_MAX_PAGES, COURSEWARE_PAGE_PIXELS } from '../../shared/schemas/courseware.ts';

const byService = new WeakMap<LiveService, CoursewareLive>();

/** One courseware side per platform, beside its LiveService (REST routes and signaling handlers share it). */
export function coursewareOf(service: LiveService): CoursewareLive {
  let c = byService.get(service);
  if (!c) {
    const converter = new CoursewareConverter({ timeoutMs: service.config.courseware.convertTimeoutMs, maxPages: COURSEWARE_MAX_PAGES, pixels: COURSEWARE_PAGE_PIXELS });
    const store = new CoursewareStore({ db: service.db, dataDir: service.config.dataDir, converter, directory: service.directory, log: service.log });
    byService.set(service, (c = new CoursewareLive({ db: service.db, log: service.log, store, strokeRate: service.config.courseware.strokeRate })));
  }
  return c;
}

/** The REST side; conversions a previous process left unfinished are marked failed first. */
export function coursewareRoutes(router: Router, deps: AppDeps): void {
  const live = liveServiceFor(deps);
  const courseware = coursewareOf(live);
  void courseware.store.settleInterrupted().catch((err: unknown) => deps.log.error({ err }, 'courseware: settling interrupted conversions failed'));
  bindRoutes(router, courseware, live);
}

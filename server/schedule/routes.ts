import type { Request, Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { withActor } from '../audit/actor.ts';
import { bind } from '../http/route.ts';
import { todayOf } from '../quotas/years.ts';
import * as dispatch from './dispatch.ts';
import * as feeds from './feeds.ts';
import { importSchedule, importTemplate } from './import.ts';
import * as offline from './offline.ts';
import * as sessions from './sessions.ts';
import { cancelStrandedLessons, listStrandedLessons } from './stranded.ts';

/** The address people reach the app at: PUBLIC_URL, else what this request came to. */
const baseUrlOf = (deps: AppDeps, req: Request) => deps.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;

export function scheduleRoutes(router: Router, deps: AppDeps): void {
  // Writes run in withActor (server/audit/actor.ts): the audit trail names the account, and a
  // change to a closed academic year is a 409.
  const db = deps.database.db;
  const dataDir = deps.config.dataDir;
  // "Now" for the in-the-past check (S-SCHEDULE-PAST), pinned by SCHEDULE_NOW in tests.
  const now = () => deps.config.schedule.now ?? new Date();
  const today = () => todayOf(deps.config.quotas.today);

  bind(router, api.listSessions, ({ actor, query }) => sessions.listSessions(db, actor, query));
  bind(router, api.createSession, ({ actor, body }) => withActor(db, actor, (tx) => sessions.createSession(tx, actor, body, now())));
  bind(router, api.checkSession, ({ actor, body }) => sessions.checkSession(db, actor, body, now()));
  bind(router, api.getSession, ({ actor, params }) => sessions.getSession(db, actor, params.id));
  bind(router, api.updateSession, ({ actor, params, body }) => withActor(db, actor, (tx) => sessions.updateSession(tx, actor, params.id, body, now())));
  bind(router, api.cancelSession, ({ actor, params, body }) => withActor(db, actor, (tx) => sessions.cancelSession(tx, actor, params.id, body)));
  bind(router, api.listStrandedLessons, ({ actor, params }) => listStrandedLessons(db, actor, params.communityId, today()));
  bind(router, api.cancelStrandedLessons, ({ actor, params, body }) => withActor(db, actor, (tx) => cancelStrandedLessons(tx, actor, params.communityId, body, today())));
  bind(router, api.sessionHistory, ({ actor, params }) => sessions.sessionHistory(db, actor, params.id));

  bind(router, api.listOfflineResearch, ({ actor, query }) => offline.listOfflineResearch(db, actor, query));
  bind(router, api.createOfflineResearch, ({ actor, body }) => withActor(db, actor, (tx) => offline.createOfflineResearch(tx, actor, body)));
  bind(router, api.getOfflineResearch, ({ actor, params }) => offline.getOfflineResearch(db, actor, params.id));
  bind(router, api.updateOfflineResearch, ({ actor, params, body }) => withActor(db, actor, (tx) => offline.updateOfflineResearch(tx, actor, params.id, body)));
  bind(router, api.confirmOfflineResearch, ({ actor, params }) => withActor(db, actor, (tx) => offline.confirmOfflineResearch(tx, actor, params.id, today())));
  bind(router, api.uploadOfflineAttachment, ({ actor, params, file }) => withActor(db, actor, (tx) => offline.addAttachment(tx, actor, dataDir, params.id, file)));
  bind(router, api.downloadOfflineAttachment, ({ actor, params }) => offline.attachmentFile(db, actor, dataDir, params.id, params.attachmentId));

  bind(router, api.listDispatches, ({ actor, query }) => dispatch.listDispatches(db, actor, query));
  bind(router, api.createDispatch, ({ actor, body }) => withActor(db, actor, (tx) => dispatch.createDispatch(tx, actor, body)));
  bind(router, api.updateDispatch, ({ actor, params, body }) => withActor(db, actor, (tx) => dispatch.updateDispatch(tx, actor, params.id, body)));
  bind(router, api.deleteDispatch, ({ actor, params }) => withActor(db, actor, (tx) => dispatch.deleteDispatch(tx, actor, params.id)));

  bind(router, api.exportCalendar, async ({ actor, query, req }) => ({
    contentType: 'text/calendar; charset=utf-8',
    filename: 'tongbu.ics',
    bytes: await feeds.exportCalendar(db, actor, query, baseUrlOf(deps, req)),
  }));
  bind(router, api.getCalendarFeed, ({ actor }) => feeds.feedState(db, actor));
  bind(router, api.createCalendarFeed, ({ actor, req }) => feeds.createFeed(db, actor, baseUrlOf(deps, req)));
  bind(router, api.revokeCalendarFeed, ({ actor }) => feeds.revokeFeed(db, actor));
  bind(router, api.calendarFeed, async ({ params, req, res }) => {
    res.setHeader('Cache-Control', 'private, max-age=300');
    return { contentType: 'text/calendar; charset=utf-8', filename: 'tongbu.ics', inline: true, bytes: await feeds.feedByToken(db, params.token, baseUrlOf(deps, req)) };
  });

  bind(router, api.importTemplate, ({ query }) => importTemplate(query.format));
  bind(router, api.importSchedule, ({ actor, params, body, file }) => withActor(db, actor, (tx) => importSchedule(tx, actor, params.communityId, body.dryRun, file, now())));
}

import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { withActor } from '../audit/actor.ts';
import { liveEvidenceRules, liveStRules } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode } from '../http/errors.ts';
import { bind } from '../http/route.ts';
import { LiveError } from './errors.ts';
import { mayAccessRecordings, playableRecording } from './recordings.ts';
import { participationFor } from './participationService.ts';
import { patrolList } from './patrol.ts';
import { loadStRules } from './stRules.ts';
import { liveServiceFor } from './service.ts';
import { classToolRoutes } from './tools/routes.ts';

/** A LiveError from a service call made over REST becomes the matching HTTP error. */
async function asHttp<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LiveError && err.code === 'not_found') throw new NotFoundError('Session');
    if (err instanceof LiveError && err.code === 'forbidden') throw new ForbiddenError(err.message);
    throw err;
  }
}

export function liveRoutes(router: Router, deps: AppDeps): void {
  const service = liveServiceFor(deps);

  bind(router, api.liveNow, ({ actor }) => service.now(actor));

  bind(router, api.liveEvidence, ({ actor, params }) => asHttp(() => service.evidenceOf(params.sessionId, actor)));

  bind(router, api.listRecordings, async ({ actor, params }) => {
    const session = await service.directory.get(params.sessionId);
    if (!session || !mayAccessRecordings(session, actor)) throw new NotFoundError('Session');
    return service.recordings.list(params.sessionId);
  });

  // res.sendFile answers Range requests (206 Partial Content), so the browser can seek in a long lesson.
  bind(router, api.playRecording, async ({ actor, params }) => {
    const { row, path } = await playableRecording(service, actor, params.recordingId);
    return { contentType: row.contentType, path, inline: true, filename: path.split('/').pop()! };
  });

  bind(router, api.downloadRecording, async ({ actor, params }) => {
    const { row, path } = await playableRecording(service, actor, params.recordingId);
    return { contentType: row.contentType, path, filename: path.split('/').pop()! };
  });

  bind(router, api.listEvidenceRules, () => service.ruleVersions());

  // Oversight (issue #6): participation data of a session, and the patrol list.
  bind(router, api.liveParticipation, async ({ actor, params }) => {
    const found = await participationFor(service.db, params.sessionId, actor, { directory: service.directory });
    if (!found) throw new NotFoundError('Session');
    return found;
  });

  bind(router, api.livePatrol, ({ actor }) => {
    if (actor.role !== 'coordinator' && actor.role !== 'auditor') throw new ForbiddenError('Only coordinators and auditors patrol live sessions');
    return patrolList(service, actor);
  });

  classToolRoutes(router, service);

  bind(router, api.listStRules, () => loadStRules(service.db));

  bind(router, api.addStRules, async ({ actor, body }) => {
    if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes the S-T analysis thresholds');
    try {
      await withActor(service.db, actor, (tx) => tx.insert(liveStRules).values(body));
    } catch (err) {
      if (isPgError(err, PgCode.uniqueViolation)) {
        throw new ConflictError({ kind: 'st_rules', id: body.effectiveFrom, description: `the S-T thresholds already have a version effective from ${body.effectiveFrom}` });
      }
      throw err;
    }
    const { description: _, ...rules } = body;
    return rules;
  });

  bind(router, api.addEvidenceRule, async ({ actor, body }) => {
    if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes the evidence rules');
    try {
      await service.db.insert(liveEvidenceRules).values(body);
    } catch (err) {
      if (isPgError(err, PgCode.uniqueViolation)) {
        throw new ConflictError({ kind: 'evidence_rule', id: body.ruleId, description: `${body.ruleId} already has a version effective from ${body.effectiveFrom}` });
      }
      throw err;
    }
    return body;
  });
}

import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { LiveSession, StrandedCancel } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { liveSessions } from '../db/schema/index.ts';
import { visibleSessionsWhere } from './access.ts';
import { transitionSessionStatus } from './lifecycle.ts';
import { loadSessions, loadSessionsByIds } from './queries.ts';

/**
 * Q-PLANNED-LESSON-MEMBERS (shared/quotas/SPEC.md): a lesson still to come none of whose
 * member classrooms belongs to a school that is a member of the community on the lesson's
 * day — its schools left after it was planned. It can no longer count, so the quota
 * forecast leaves it out (migration 0017); here the coordinator sees it and may cancel it.
 */
const strandedWhere = (communityId: string, today: string) => {
  const day = sql`(${liveSessions.startsAt} at time zone ${liveSessions.timeZone})::date`;
  return and(
    eq(liveSessions.communityId, communityId),
    eq(liveSessions.kind, 'sync_lesson'),
    eq(liveSessions.status, 'scheduled'),
    sql`${day} >= ${today}::date`,
    sql`not exists (select 1 from session_classrooms sc
                      join classrooms cl on cl.id = sc.classroom_id
                      join community_memberships m on m.school_id = cl.school_id
                     where sc.session_id = ${liveSessions.id} and sc.role = 'member'
                       and m.community_id = ${liveSessions.communityId} and m.role = 'member'
                       and m.valid_from <= ${day} and (m.valid_to is null or m.valid_to > ${day}))`,
  );
};

/** The community's stranded lessons the actor may see, in start order. */
/** `today`: the quota tracker's (QUOTA_TODAY when pinned): stranded lessons are those it would call planned. */
export async function listStrandedLessons(db: Db, actor: Actor, communityId: string, today: string): Promise<LiveSession[]> {
  await requireCommunity(db, actor, communityId, 'read');
  return loadSessions(db, and(strandedWhere(communityId, today), visibleSessionsWhere(actor)));
}

/** Cancels every stranded lesson of the community at once, with the coordinator's reason (all or nothing). */
export async function cancelStrandedLessons(db: Db, actor: Actor, communityId: string, c: z.output<typeof StrandedCancel>, today: string): Promise<{ sessions: LiveSession[] }> {
  await requireCommunity(db, actor, communityId, 'manage');
  const ids = (await db.select({ id: liveSessions.id }).from(liveSessions).where(strandedWhere(communityId, today))).map((r) => r.id);
  await db.transaction(async (tx) => {
    for (const id of ids) await transitionSessionStatus(tx as unknown as Db, id, 'cancelled', { reason: c.reason, actor });
  });
  return { sessions: await loadSessionsByIds(db, ids) };
}

import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountySql } from '../accounts/auditRegion.ts';
import { communityAccess } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { communities, communityMemberships, liveSessions } from '../db/schema/index.ts';
import { ForbiddenError } from '../http/errors.ts';

/**
 * Who may plan what:
 * - administrators and the community's coordinators plan everything of it (and may
 *   override the academic calendar, which is recorded);
 * - a teacher of the community's core school plans their own lessons and research
 *   (they are the host), without calendar overrides;
 * - member-school teachers, classroom terminals and auditors only read.
 */
export type PlanRight = 'manage' | 'own' | 'none';

export async function planRight(db: Db, actor: Actor, community: { id: string; countyId: string }): Promise<PlanRight> {
  if (communityAccess(actor, community) === 'manage') return 'manage';
  if (actor.role !== 'teacher' || !actor.schoolId || !actor.communityIds.includes(community.id)) return 'none';
  const [core] = await db
    .select({ id: communityMemberships.id })
    .from(communityMemberships)
    .where(
      and(
        eq(communityMemberships.communityId, community.id),
        eq(communityMemberships.schoolId, actor.schoolId),
        eq(communityMemberships.role, 'core'),
        sql`${communityMemberships.validFrom} <= current_date and (${communityMemberships.validTo} is null or ${communityMemberships.validTo} > current_date)`,
      ),
    )
    .limit(1);
  return core ? 'own' : 'none';
}

/** Throws unless the actor may plan a session hosted by `hostTeacherId` (a 403: they can see the community). */
export async function requirePlanRight(db: Db, actor: Actor, community: { id: string; countyId: string }, hostTeacherId: string, wantsOverride: boolean): Promise<PlanRight> {
  const right = await planRight(db, actor, community);
  if (right === 'none') throw new ForbiddenError('Only coordinators and core-school teachers schedule sessions of this community');
  if (right === 'own' && hostTeacherId !== actor.teacherId) throw new ForbiddenError('A teacher schedules only the sessions they teach or host');
  if (right === 'own' && wantsOverride) throw new ForbiddenError('Only a coordinator may plan outside the terms, on a holiday or in the past');
  return right;
}

const none = '00000000-0000-0000-0000-000000000000';

/**
 * SQL condition on `live_sessions` for what the actor may see: coordinators their
 * communities, auditors their region's counties, teachers and classroom terminals their own sessions.
 */
export function visibleSessionsWhere(actor: Actor): SQL {
  switch (actor.role) {
    case 'admin':
      return sql`true`;
    case 'auditor':
      return sql`${liveSessions.communityId} in (select ${communities.id} from ${communities} where ${auditedCountySql(actor, communities.countyId)})`;
    case 'coordinator':
      return actor.communityIds.length ? inArray(liveSessions.communityId, [...actor.communityIds]) : sql`false`;
    case 'teacher':
      return sql`exists (select 1 from session_teachers st where st.session_id = ${liveSessions.id} and st.teacher_id = ${actor.teacherId ?? none})`;
    case 'classroom':
      return sql`exists (select 1 from session_classrooms sc where sc.session_id = ${liveSessions.id} and sc.classroom_id = ${actor.classroomId ?? none})`;
  }
}

/** Whether the actor may change this session: managers of its community, or its host teacher if they may plan. */
export async function mayChangeSession(db: Db, actor: Actor, session: { communityId: string; hostTeacherId: string | null }, community: { id: string; countyId: string }): Promise<boolean> {
  const right = await planRight(db, actor, community);
  return right === 'manage' || (right === 'own' && session.hostTeacherId === actor.teacherId);
}

/** Teachers of the schools that belong to a community on a date, with their school's role. */
export async function communitySchoolsOn(db: Db, communityId: string, date: string) {
  return db
    .select({ schoolId: communityMemberships.schoolId, role: communityMemberships.role })
    .from(communityMemberships)
    .where(
      and(
        eq(communityMemberships.communityId, communityId),
        sql`${communityMemberships.validFrom} <= ${date}::date and (${communityMemberships.validTo} is null or ${communityMemberships.validTo} > ${date}::date)`,
      ),
    );
}


import { and, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { LiveSessionView } from '../../shared/schemas/live.ts';
import type { SessionStatus } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountySql } from '../accounts/auditRegion.ts';
import type { Db } from '../db/client.ts';
import { communities, liveSessions, sessionClassrooms, sessionTeachers } from '../db/schema/index.ts';
import { getLiveSessionForJoin, transitionSessionStatus, type SessionForJoin } from '../schedule/lifecycle.ts';

/**
 * What live classrooms need from the schedule, behind one small interface:
 * the plan (server/schedule) owns `live_sessions`; live rooms read a session
 * and change its status only through scheduling's `transitionSessionStatus`.
 * This file is the only one in server/live that knows scheduling's tables.
 */
export interface LiveSessionInfo extends SessionForJoin {
  /** The community's county (auditors of it may see recordings). */
  readonly countyId: string;
}

/** A session as live pages and reports show it. */
export const sessionView = (s: LiveSessionInfo): LiveSessionView => ({
  id: s.id,
  communityId: s.communityId,
  kind: s.kind,
  mode: s.mode,
  title: s.title,
  subjectCode: s.subjectCode,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  status: s.status,
});

export type StatusChangeBy = { actorAccountId: string } | { system: string };

export interface LiveSessionDirectory {
  get(sessionId: string): Promise<LiveSessionInfo | null>;
  /** Changes the status (scheduled → live, live → delivered | missed…); a no-op if it already has it. */
  transition(sessionId: string, to: SessionStatus, reason: string | null, by: StatusChangeBy): Promise<{ changed: boolean }>;
  /** Sessions the actor takes part in that overlap [from, to] and are scheduled or live. */
  idsAround(actor: Actor, from: Date, to: Date): Promise<string[]>;
  /** Live sessions whose scheduled end is before `before` (nobody ended them). */
  overdueLive(before: Date): Promise<string[]>;
  /**
   * Patrols 巡课 (issue #6): the sessions live now that the actor may patrol — a coordinator's
   * communities, an auditor's county — with the community's name, oldest first.
   */
  liveForPatrol(actor: Actor): Promise<{ id: string; communityName: string }[]>;
}

export function scheduleDirectory(db: Db): LiveSessionDirectory {
  return {
    async get(sessionId) {
      const session = await getLiveSessionForJoin(db, sessionId);
      if (!session) return null;
      const [c] = await db.select({ countyId: communities.countyId }).from(communities).where(eq(communities.id, session.communityId));
      return { ...session, countyId: c!.countyId };
    },

    async transition(sessionId, to, reason, by) {
      const result = await transitionSessionStatus(db, sessionId, to, 'system' in by ? { reason, system: by.system } : { reason, actor: { accountId: by.actorAccountId } });
      return { changed: result.changed };
    },

    async idsAround(actor, from, to) {
      const participant =
        actor.role === 'teacher' && actor.teacherId
          ? sql`exists (select 1 from ${sessionTeachers} st where st.session_id = ${liveSessions.id} and st.teacher_id = ${actor.teacherId})`
          : actor.role === 'classroom' && actor.classroomId
            ? sql`exists (select 1 from ${sessionClassrooms} sc where sc.session_id = ${liveSessions.id} and sc.classroom_id = ${actor.classroomId})`
            : actor.role === 'coordinator' && actor.communityIds.length
              ? inArray(liveSessions.communityId, [...actor.communityIds])
              : sql`false`;
      const rows = await db
        .select({ id: liveSessions.id })
        .from(liveSessions)
        .where(
          and(
            participant,
            inArray(liveSessions.status, ['scheduled', 'live']),
            or(eq(liveSessions.status, 'live'), and(lte(liveSessions.startsAt, to), gte(liveSessions.endsAt, from))),
          ),
        )
        .orderBy(liveSessions.startsAt)
        .limit(50);
      return rows.map((r) => r.id);
    },

    async overdueLive(before) {
      const rows = await db
        .select({ id: liveSessions.id })
        .from(liveSessions)
        .where(and(inArray(liveSessions.status, ['live', 'scheduled']), lte(liveSessions.endsAt, before)))
        .limit(200);
      return rows.map((r) => r.id);
    },

    async liveForPatrol(actor) {
      const scope =
        actor.role === 'coordinator' && actor.communityIds.length
          ? inArray(liveSessions.communityId, [...actor.communityIds])
          : actor.role === 'auditor'
            ? auditedCountySql(actor, communities.countyId)
            : sql`false`;
      return db
        .select({ id: liveSessions.id, communityName: communities.name })
        .from(liveSessions)
        .innerJoin(communities, eq(communities.id, liveSessions.communityId))
        .where(and(eq(liveSessions.status, 'live'), scope))
        .orderBy(liveSessions.startsAt)
        .limit(200);
    },
  };
}

/**
 * The two doors other features use to reach a scheduled session (live classrooms,
 * quota tracker). Everything else in server/schedule/ is this feature's own.
 *
 * ## `getLiveSessionForJoin(db, sessionId)`
 * The session as a live room needs it: kind, mode, times (UTC), status, the host
 * teacher and invited teachers, the host and member classrooms (with their schools),
 * or `null` if there is no such session. No permission check: the caller decides
 * who may join (e.g. `canJoin(session, actor)` below covers the obvious rule).
 *
 * ## `transitionSessionStatus(db, sessionId, to, { reason, actor | system })`
 * The only way a session's status changes. Allowed changes (the database refuses
 * the others, trigger `live_sessions_status_guard`):
 *
 *     scheduled → live | cancelled | missed | delivered
 *     live      → delivered | missed
 *
 * `cancelled` needs a reason. Each change appends a row to `session_status_history`
 * (who: an account id, or what: a system source such as `live:evidence`), in the
 * same transaction. Changing to the status it already has is a no-op (returns
 * `changed: false`), so evidence processors may retry safely. An illegal change is
 * a `ConflictError` (409, kind `status_transition`); an unknown session a `NotFoundError`.
 * Cancelling frees the teachers' and classrooms' slots (trigger `live_sessions_rebook`).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { SessionStatus } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import type { Db } from '../db/client.ts';
import { liveSessions, sessionStatusHistory } from '../db/schema/index.ts';
import { actAs } from '../audit/actor.ts';
import { ConflictError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import { loadSessionsByIds } from './queries.ts';

export interface SessionForJoin {
  id: string;
  communityId: string;
  kind: 'sync_lesson' | 'online_research';
  mode: 'interactive' | 'dedicated' | 'master' | null;
  title: string;
  subjectCode: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  status: SessionStatus;
  hostTeacher: { id: string; name: string; schoolId: string } | null;
  invitedTeachers: { id: string; name: string; schoolId: string }[];
  hostClassroom: { id: string; name: string; schoolId: string } | null;
  memberClassrooms: { id: string; name: string; schoolId: string }[];
}

export async function getLiveSessionForJoin(db: Db, sessionId: string): Promise<SessionForJoin | null> {
  const [s] = await loadSessionsByIds(db, [sessionId]);
  if (!s) return null;
  const person = (p: { id: string; name: string; schoolId: string }) => ({ id: p.id, name: p.name, schoolId: p.schoolId });
  const host = s.teachers.find((t) => t.role === 'host');
  const hostRoom = s.classrooms.find((c) => c.role === 'host');
  return {
    id: s.id,
    communityId: s.communityId,
    kind: s.kind,
    mode: s.mode,
    title: s.title,
    subjectCode: s.subjectCode,
    startsAt: new Date(s.startsAt),
    endsAt: new Date(s.endsAt),
    timeZone: s.timeZone,
    status: s.status,
    hostTeacher: host ? person(host) : null,
    invitedTeachers: s.teachers.filter((t) => t.role === 'invited').map(person),
    hostClassroom: hostRoom ? person(hostRoom) : null,
    memberClassrooms: s.classrooms.filter((c) => c.role === 'member').map(person),
  };
}

/** A teacher or classroom terminal taking part, or a manager of the community (admins, its coordinators). */
export function canJoin(session: SessionForJoin, actor: Actor): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'coordinator') return actor.communityIds.includes(session.communityId);
  if (actor.role === 'teacher') return session.hostTeacher?.id === actor.teacherId || session.invitedTeachers.some((t) => t.id === actor.teacherId);
  if (actor.role === 'classroom') return session.hostClassroom?.id === actor.classroomId || session.memberClassrooms.some((c) => c.id === actor.classroomId);
  return false;
}

export type TransitionBy = { reason?: string | null; actor: Pick<Actor, 'accountId'>; system?: undefined } | { reason?: string | null; system: string; actor?: undefined };

export interface TransitionResult {
  changed: boolean;
  from: SessionStatus;
  to: SessionStatus;
}

export async function transitionSessionStatus(db: Db, sessionId: string, to: SessionStatus, by: TransitionBy): Promise<TransitionResult> {
  const reason = by.reason?.trim() || null;
  if (to === 'cancelled' && !reason) throw ValidationError.field('reason', 'a cancellation needs a reason', 'required');
  try {
    // A savepoint when called inside a caller's transaction, a transaction otherwise.
    return await db.transaction(async (tx) => {
      // The audit trail (server/audit) names who changed the status.
      await actAs(tx as unknown as Db, by.actor ? { accountId: by.actor.accountId } : { system: by.system ?? 'system' });
      const [row] = await tx.select({ status: liveSessions.status }).from(liveSessions).where(eq(liveSessions.id, sessionId)).for('update');
      if (!row) throw new NotFoundError('Session');
      const from = row.status as SessionStatus;
      if (from === to) return { changed: false, from, to };
      await tx
        .update(liveSessions)
        .set({ status: to, statusReason: reason, statusChangedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(liveSessions.id, sessionId), eq(liveSessions.status, from)));
      await tx.insert(sessionStatusHistory).values({
        sessionId,
        fromStatus: from,
        toStatus: to,
        reason,
        actorAccountId: by.actor?.accountId ?? null,
        systemSource: by.system ?? null,
      });
      return { changed: true, from, to };
    });
  } catch (err) {
    if (isPgError(err, PgCode.checkViolation, 'live_sessions_status_transition_ck')) {
      throw new ConflictError({ kind: 'status_transition', id: sessionId, description: `The session's status cannot change to ${to} now` });
    }
    throw err;
  }
}

/** The status history of a session, oldest first. */
export async function statusHistoryOf(db: Db, sessionId: string) {
  return db.select().from(sessionStatusHistory).where(eq(sessionStatusHistory.sessionId, sessionId)).orderBy(asc(sessionStatusHistory.at), asc(sessionStatusHistory.id));
}

import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { LiveSession } from '../../shared/schemas/schedule.ts';
import type { Db } from '../db/client.ts';
import { accounts, classrooms, communities, liveSessions, schools, sessionClassrooms, sessionTeachers, teachers } from '../db/schema/index.ts';

export type SessionRow = typeof liveSessions.$inferSelect;

/** Sessions matching `where`, with their people and places, in start order. */
export async function loadSessions(db: Db, where: SQL | undefined, limit = 5000): Promise<LiveSession[]> {
  const rows = await db
    .select({ s: liveSessions, communityName: communities.name, overrideName: accounts.displayName })
    .from(liveSessions)
    .innerJoin(communities, eq(communities.id, liveSessions.communityId))
    .leftJoin(accounts, eq(accounts.id, liveSessions.overrideBy))
    .where(where)
    .orderBy(asc(liveSessions.startsAt), asc(liveSessions.id))
    .limit(limit);
  return withParticipants(db, rows);
}

export async function loadSessionsByIds(db: Db, ids: string[]): Promise<LiveSession[]> {
  if (ids.length === 0) return [];
  return loadSessions(db, inArray(liveSessions.id, ids));
}

async function withParticipants(db: Db, rows: { s: SessionRow; communityName: string; overrideName: string | null }[]): Promise<LiveSession[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.s.id);
  const [ts, cs] = await Promise.all([
    db
      .select({ sessionId: sessionTeachers.sessionId, role: sessionTeachers.role, id: teachers.id, name: teachers.name, schoolId: schools.id, schoolName: schools.name })
      .from(sessionTeachers)
      .innerJoin(teachers, eq(teachers.id, sessionTeachers.teacherId))
      .innerJoin(schools, eq(schools.id, teachers.schoolId))
      .where(inArray(sessionTeachers.sessionId, ids))
      .orderBy(sql`${sessionTeachers.role} = 'invited'`, asc(schools.name), asc(teachers.name)),
    db
      .select({ sessionId: sessionClassrooms.sessionId, role: sessionClassrooms.role, id: classrooms.id, name: classrooms.name, schoolId: schools.id, schoolName: schools.name })
      .from(sessionClassrooms)
      .innerJoin(classrooms, eq(classrooms.id, sessionClassrooms.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(inArray(sessionClassrooms.sessionId, ids))
      .orderBy(sql`${sessionClassrooms.role} = 'member'`, asc(schools.name), asc(classrooms.name)),
  ]);
  const bySession = <T extends { sessionId: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.sessionId, [...(m.get(x.sessionId) ?? []), x]);
    return m;
  };
  const tBy = bySession(ts);
  const cBy = bySession(cs);
  return rows.map(({ s, communityName, overrideName }) => ({
    id: s.id,
    communityId: s.communityId,
    communityName,
    kind: s.kind as LiveSession['kind'],
    title: s.title,
    topic: s.topic,
    subjectCode: s.subjectCode,
    mode: s.mode as LiveSession['mode'],
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    timeZone: s.timeZone,
    status: s.status as LiveSession['status'],
    statusReason: s.statusReason,
    seriesId: s.seriesId,
    teachers: (tBy.get(s.id) ?? []).map(({ sessionId: _s, role, ...p }) => ({ ...p, role: role as 'host' | 'invited' })),
    classrooms: (cBy.get(s.id) ?? []).map(({ sessionId: _s, role, ...p }) => ({ ...p, role: role as 'host' | 'member' })),
    override: s.calendarOverride && s.overrideBy ? { byAccountId: s.overrideBy, byName: overrideName ?? '', reason: s.overrideReason ?? '' } : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  }));
}

/** The session row and its host teacher id (for permission checks). */
export async function sessionWithHost(db: Db, id: string) {
  const [row] = await db
    .select({ s: liveSessions, hostTeacherId: sessionTeachers.teacherId, countyId: communities.countyId })
    .from(liveSessions)
    .innerJoin(communities, eq(communities.id, liveSessions.communityId))
    .leftJoin(sessionTeachers, and(eq(sessionTeachers.sessionId, liveSessions.id), eq(sessionTeachers.role, 'host')))
    .where(eq(liveSessions.id, id));
  return row;
}

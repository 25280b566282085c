import { and, eq, gte, gt, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { CalendarIssue, LiveSession, SessionCancel, SessionCheck, SessionCheckResult, SessionCreate, SessionCreated, SessionListQuery, SessionUpdate } from '../../shared/schemas/schedule.ts';
import { addDays, fromZoned, toZoned } from '../../shared/schedule/time.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, liveSessions, scheduleSeries, sessionClassrooms, sessionStatusHistory, sessionTeachers } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import { mayChangeSession, planRight, requirePlanRight, visibleSessionsWhere } from './access.ts';
import { calendarIssueOn, expandWeekly, loadCalendar, pastIssueOf, type Occurrence } from './calendarRules.ts';
import { BOOKING_CONSTRAINT, clashError, findClashes } from './conflicts.ts';
import { statusHistoryOf, transitionSessionStatus } from './lifecycle.ts';
import { resolveParticipants, type ResolvedParticipants } from './participants.ts';
import { loadSessions, loadSessionsByIds, sessionWithHost } from './queries.ts';

type Draft = z.output<typeof SessionCreate>;

export interface Plan {
  timeZone: string;
  occurrences: Occurrence[];
  skipped: { date: string; reason: string }[];
  calendarIssues: CalendarIssue[];
  participants: ResolvedParticipants;
}

/**
 * Resolves a draft into its occurrences and participants, without writing anything. Its
 * calendar issues (a holiday, outside the terms, in the past) need a coordinator's override.
 */
export async function planDraft(db: Db, actor: Actor, d: Draft, prefix = '', now = new Date()): Promise<Plan> {
  const startsAt = new Date(d.startsAt);
  const endsAt = new Date(d.endsAt);
  // The zone decides the local date: take the asked one, else the host's school's.
  const provisionalZone = d.timeZone ?? 'Asia/Shanghai';
  let participants = await resolveParticipants(db, d.communityId, toZoned(startsAt, provisionalZone).date, d, prefix);
  const timeZone = d.timeZone ?? participants.hostTimeZone;
  if (timeZone !== provisionalZone) participants = await resolveParticipants(db, d.communityId, toZoned(startsAt, timeZone).date, d, prefix);
  const calendar = await loadCalendar(db);
  const date = toZoned(startsAt, timeZone).date;
  if (d.recurrence) {
    const { occurrences, skipped } = expandWeekly({ startsAt, endsAt }, timeZone, d.recurrence, calendar, actor.locale);
    if (d.recurrence.until && d.recurrence.until < date) throw ValidationError.field(`${prefix}recurrence.until`, 'before the first occurrence', 'too_small');
    const past = pastIssueOf(occurrences, now, actor.locale);
    return { timeZone, occurrences, skipped, calendarIssues: past ? [past] : [], participants };
  }
  const occurrences = [{ startsAt, endsAt, date }];
  const issues = [calendarIssueOn(calendar, date, actor.locale), pastIssueOf(occurrences, now, actor.locale)].filter((i) => i !== null);
  return { timeZone, occurrences, skipped: [], calendarIssues: issues, participants };
}

function calendarRefusal(actor: Actor, issue: CalendarIssue): ConflictError {
  const hint = actor.locale === 'en' ? ' — a coordinator may override this, giving a reason' : '——协调员可填写理由后强制安排';
  return new ConflictError({ kind: issue.kind, ...(issue.name ? { title: issue.name } : {}), startsAt: issue.date, description: issue.description + hint });
}

/**
 * Writes planned occurrences with their participants and first history row, all or
 * nothing. Inside a caller's transaction this is a savepoint, so a refused row
 * leaves the caller's transaction usable (bulk import collects every row's error).
 */
export async function insertPlanned(db: Db, actor: Actor, d: Draft, plan: Plan, source: string): Promise<string[]> {
  const base = {
    communityId: d.communityId,
    kind: d.kind,
    title: d.title,
    topic: d.topic,
    subjectCode: d.subjectCode,
    mode: d.kind === 'sync_lesson' ? d.mode : null,
    timeZone: plan.timeZone,
    calendarOverride: !!d.override,
    overrideBy: d.override ? actor.accountId : null,
    overrideReason: d.override?.reason ?? null,
    createdBy: actor.accountId,
  };
  try {
    return await db.transaction(async (tx) => {
      let seriesId: string | null = null;
      if (d.recurrence) {
        const [series] = await tx
          .insert(scheduleSeries)
          .values({ communityId: d.communityId, intervalWeeks: d.recurrence.intervalWeeks, untilOn: d.recurrence.until ?? null, occurrenceCount: d.recurrence.count ?? null, timeZone: plan.timeZone, createdBy: actor.accountId })
          .returning({ id: scheduleSeries.id });
        seriesId = series!.id;
      }
      const rows = await tx
        .insert(liveSessions)
        .values(plan.occurrences.map((o) => ({ ...base, seriesId, startsAt: o.startsAt, endsAt: o.endsAt })))
        .returning({ id: liveSessions.id });
      const ids = rows.map((r) => r.id);
      await tx.insert(sessionTeachers).values(ids.flatMap((sessionId) => [{ sessionId, teacherId: d.hostTeacherId, role: 'host' }, ...d.invitedTeacherIds.map((teacherId) => ({ sessionId, teacherId, role: 'invited' }))]));
      const rooms = ids.flatMap((sessionId) => [...(d.hostClassroomId ? [{ sessionId, classroomId: d.hostClassroomId, role: 'host' }] : []), ...d.memberClassroomIds.map((classroomId) => ({ sessionId, classroomId, role: 'member' }))]);
      if (rooms.length) await tx.insert(sessionClassrooms).values(rooms);
      await tx.insert(sessionStatusHistory).values(ids.map((sessionId) => ({ sessionId, fromStatus: null, toStatus: 'scheduled', reason: d.override ? `override: ${d.override.reason}` : null, actorAccountId: actor.accountId, systemSource: source })));
      return ids;
    });
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation, BOOKING_CONSTRAINT)) {
      throw await clashError(db, actor, plan.occurrences, { teacherIds: plan.participants.teacherIds, classroomIds: plan.participants.classroomIds });
    }
    throw err;
  }
}

/** `now`: when the plan is made (SCHEDULE_NOW in tests; the demo's history plans its year as of the year's start). */
export async function createSession(db: Db, actor: Actor, d: Draft, now = new Date()): Promise<SessionCreated> {
  const community = await requireCommunity(db, actor, d.communityId, 'read');
  await requirePlanRight(db, actor, community, d.hostTeacherId, !!d.override);
  const plan = await planDraft(db, actor, d, '', now);
  if (plan.occurrences.length === 0) throw ValidationError.field('recurrence', actor.locale === 'en' ? 'no occurrence falls inside a term outside the holidays' : '所有日期都在节假日或学期外', 'empty_series');
  const issue = plan.calendarIssues[0];
  if (issue && !d.override) throw calendarRefusal(actor, issue);
  const ids = await insertPlanned(db, actor, { ...d, override: issue ? d.override : null }, plan, 'schedule:create');
  const sessions = await loadSessionsByIds(db, ids);
  return { seriesId: sessions[0]?.seriesId ?? null, sessions, skipped: plan.skipped };
}

export async function checkSession(db: Db, actor: Actor, d: z.output<typeof SessionCheck>, now = new Date()): Promise<SessionCheckResult> {
  const community = await requireCommunity(db, actor, d.communityId, 'read');
  await requirePlanRight(db, actor, community, d.hostTeacherId, !!d.override);
  const plan = await planDraft(db, actor, d, '', now);
  const conflicts = await findClashes(db, actor, plan.occurrences, { teacherIds: plan.participants.teacherIds, classroomIds: plan.participants.classroomIds }, d.excludeSessionId ? [d.excludeSessionId] : []);
  return {
    ok: conflicts.length === 0 && plan.occurrences.length > 0 && (plan.calendarIssues.length === 0 || !!d.override),
    conflicts,
    calendarIssues: plan.calendarIssues,
    occurrences: plan.occurrences.map((o) => ({ startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString() })),
    skipped: plan.skipped,
  };
}

export async function listSessions(db: Db, actor: Actor, q: z.output<typeof SessionListQuery>): Promise<LiveSession[]> {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (!(to > from)) throw ValidationError.field('query.to', 'must be after from', 'too_small');
  if (to.getTime() - from.getTime() > 400 * 86400_000) throw ValidationError.field('query.to', 'at most 400 days at a time', 'too_big');
  if (q.communityId) await requireCommunity(db, actor, q.communityId, 'read');
  const where: SQL[] = [visibleSessionsWhere(actor), lt(liveSessions.startsAt, to), gt(liveSessions.endsAt, from)];
  if (q.communityId) where.push(eq(liveSessions.communityId, q.communityId));
  if (q.kind) where.push(eq(liveSessions.kind, q.kind));
  if (q.includeCancelled !== 'true') where.push(ne(liveSessions.status, 'cancelled'));
  if (q.teacherId) where.push(sql`exists (select 1 from session_teachers x where x.session_id = ${liveSessions.id} and x.teacher_id = ${q.teacherId})`);
  if (q.classroomId) where.push(sql`exists (select 1 from session_classrooms x where x.session_id = ${liveSessions.id} and x.classroom_id = ${q.classroomId})`);
  return loadSessions(db, and(...where));
}

export async function getSession(db: Db, actor: Actor, id: string): Promise<LiveSession> {
  const [s] = await loadSessions(db, and(eq(liveSessions.id, id), visibleSessionsWhere(actor)));
  if (!s) throw new NotFoundError('Session');
  return s;
}

export async function sessionHistory(db: Db, actor: Actor, id: string) {
  await getSession(db, actor, id);
  const rows = await statusHistoryOf(db, id);
  const names = new Map(
    (await db.select({ id: accounts.id, displayName: accounts.displayName }).from(accounts).where(inArray(accounts.id, [...new Set(rows.flatMap((r) => (r.actorAccountId ? [r.actorAccountId] : [])))].concat(['00000000-0000-0000-0000-000000000000'])))).map((a) => [a.id, a.displayName]),
  );
  return rows.map((r) => ({
    fromStatus: r.fromStatus as LiveSession['status'] | null,
    toStatus: r.toStatus as LiveSession['status'],
    reason: r.reason,
    actor: r.actorAccountId ? { accountId: r.actorAccountId, displayName: names.get(r.actorAccountId) ?? '' } : null,
    systemSource: r.systemSource,
    at: r.at.toISOString(),
  }));
}

/** The session (visible to the actor, changeable by them) and the occurrences a change in `scope` touches. */
async function targetsOf(db: Db, actor: Actor, id: string, scope: 'one' | 'following') {
  const current = await getSession(db, actor, id);
  const row = await sessionWithHost(db, id);
  if (!row) throw new NotFoundError('Session');
  const community = { id: row.s.communityId, countyId: row.countyId };
  if (!(await mayChangeSession(db, actor, { communityId: row.s.communityId, hostTeacherId: row.hostTeacherId }, community))) {
    throw new ForbiddenError('Only the community\'s coordinators or the host teacher change this session');
  }
  if (row.s.status !== 'scheduled') {
    throw new ConflictError({ kind: 'status', id, title: row.s.title, description: actor.locale === 'en' ? `The session is ${row.s.status}; only scheduled sessions change` : `该活动状态为 ${row.s.status}，只能修改未开始的活动` });
  }
  let targets = [current];
  if (scope === 'following' && row.s.seriesId) {
    const later = await loadSessions(db, and(eq(liveSessions.seriesId, row.s.seriesId), gte(liveSessions.startsAt, row.s.startsAt), eq(liveSessions.status, 'scheduled'), ne(liveSessions.id, id)));
    targets = [current, ...later];
  }
  return { current, row, community, targets };
}

export async function updateSession(db: Db, actor: Actor, id: string, u: z.output<typeof SessionUpdate>, now = new Date()): Promise<{ sessions: LiveSession[] }> {
  const { current, community, targets } = await targetsOf(db, actor, id, u.scope);
  const right = await planRight(db, actor, community);
  if (u.override && right !== 'manage') throw new ForbiddenError('Only a coordinator may plan outside the terms, on a holiday or in the past');
  if (current.kind === 'online_research' && (u.hostClassroomId || u.memberClassroomIds || u.mode)) throw ValidationError.field(u.mode ? 'mode' : 'memberClassroomIds', 'research sessions invite teachers, not classrooms, and have no mode', 'not_applicable');
  if (current.kind === 'sync_lesson' && u.invitedTeacherIds) throw ValidationError.field('invitedTeacherIds', 'lessons invite classrooms, not teachers', 'not_applicable');
  const host = current.teachers.find((t) => t.role === 'host')!;
  const hostRoom = current.classrooms.find((c) => c.role === 'host') ?? null;
  if (right === 'own' && u.hostTeacherId && u.hostTeacherId !== actor.teacherId) throw new ForbiddenError('A teacher schedules only the sessions they teach or host');

  const draft: Draft = {
    communityId: current.communityId,
    kind: current.kind,
    title: u.title ?? current.title,
    topic: u.topic ?? current.topic,
    subjectCode: u.subjectCode ?? current.subjectCode,
    mode: current.kind === 'sync_lesson' ? (u.mode ?? current.mode) : null,
    startsAt: u.startsAt ?? current.startsAt,
    endsAt: u.endsAt ?? current.endsAt,
    timeZone: current.timeZone,
    hostTeacherId: u.hostTeacherId ?? host.id,
    hostClassroomId: u.hostClassroomId ?? hostRoom?.id ?? null,
    memberClassroomIds: u.memberClassroomIds ?? current.classrooms.filter((c) => c.role === 'member').map((c) => c.id),
    invitedTeacherIds: u.invitedTeacherIds ?? current.teachers.filter((t) => t.role === 'invited').map((t) => t.id),
    override: u.override ?? null,
    recurrence: null,
  };
  const newStart = new Date(draft.startsAt);
  const newEnd = new Date(draft.endsAt);
  if (!(newEnd > newStart) || newEnd.getTime() - newStart.getTime() > 12 * 3600_000) throw ValidationError.field('endsAt', 'must end after it starts, within 12 hours', 'invalid_range');
  const tz = current.timeZone;
  const participants = await resolveParticipants(db, current.communityId, toZoned(newStart, tz).date, draft);
  const participantsChanged = !!(u.hostTeacherId || u.hostClassroomId || u.memberClassroomIds || u.invitedTeacherIds);

  // Each occurrence moves by the same number of days to the same new local time.
  const timesChanged = u.startsAt !== undefined;
  const dayShift = Math.round((Date.parse(toZoned(newStart, tz).date) - Date.parse(toZoned(current.startsAt, tz).date)) / 86400_000);
  const newTime = toZoned(newStart, tz).time;
  const duration = newEnd.getTime() - newStart.getTime();
  const moved = targets.map((t) => {
    if (!timesChanged) return { t, startsAt: new Date(t.startsAt), endsAt: new Date(t.endsAt) };
    const date = addDays(toZoned(t.startsAt, tz).date, dayShift);
    const startsAt = fromZoned(date, newTime, tz);
    return { t, startsAt, endsAt: new Date(startsAt.getTime() + duration) };
  });
  let overrideNeeded = false;
  if (timesChanged) {
    const calendar = await loadCalendar(db);
    const issue =
      moved.map((m) => calendarIssueOn(calendar, toZoned(m.startsAt, tz).date, actor.locale)).find((x) => x !== null) ??
      pastIssueOf(moved.map((m) => ({ startsAt: m.startsAt, date: toZoned(m.startsAt, tz).date })), now, actor.locale);
    if (issue && !u.override) throw calendarRefusal(actor, issue);
    overrideNeeded = !!issue;
  }
  // Moving later: start with the last occurrence, so a series never overlaps itself on the way.
  const delta = newStart.getTime() - new Date(current.startsAt).getTime();
  const ordered = delta > 0 ? [...moved].reverse() : moved;
  try {
    await db.transaction(async (tx) => {
      for (const m of ordered) {
        await tx
          .update(liveSessions)
          .set({
            ...(u.title !== undefined ? { title: u.title } : {}),
            ...(u.topic !== undefined ? { topic: u.topic } : {}),
            ...(u.subjectCode !== undefined ? { subjectCode: u.subjectCode } : {}),
            ...(u.mode !== undefined && current.kind === 'sync_lesson' ? { mode: u.mode } : {}),
            startsAt: m.startsAt,
            endsAt: m.endsAt,
            updatedAt: new Date(),
            ...(overrideNeeded && u.override ? { calendarOverride: true, overrideBy: actor.accountId, overrideReason: u.override.reason } : {}),
          })
          .where(eq(liveSessions.id, m.t.id));
        if (participantsChanged) {
          await tx.delete(sessionTeachers).where(eq(sessionTeachers.sessionId, m.t.id));
          await tx.delete(sessionClassrooms).where(eq(sessionClassrooms.sessionId, m.t.id));
          await tx.insert(sessionTeachers).values([{ sessionId: m.t.id, teacherId: draft.hostTeacherId, role: 'host' }, ...draft.invitedTeacherIds.map((teacherId) => ({ sessionId: m.t.id, teacherId, role: 'invited' }))]);
          const rooms = [...(draft.hostClassroomId ? [{ sessionId: m.t.id, classroomId: draft.hostClassroomId, role: 'host' }] : []), ...draft.memberClassroomIds.map((classroomId) => ({ sessionId: m.t.id, classroomId, role: 'member' }))];
          if (rooms.length) await tx.insert(sessionClassrooms).values(rooms);
        }
      }
    });
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation, BOOKING_CONSTRAINT)) {
      throw await clashError(db, actor, moved, { teacherIds: participants.teacherIds, classroomIds: participants.classroomIds }, targets.map((t) => t.id));
    }
    throw err;
  }
  return { sessions: await loadSessionsByIds(db, targets.map((t) => t.id)) };
}

export async function cancelSession(db: Db, actor: Actor, id: string, c: z.output<typeof SessionCancel>): Promise<{ sessions: LiveSession[] }> {
  const { targets } = await targetsOf(db, actor, id, c.scope);
  await db.transaction(async (tx) => {
    for (const t of targets) await transitionSessionStatus(tx as unknown as Db, t.id, 'cancelled', { reason: c.reason, actor });
  });
  return { sessions: await loadSessionsByIds(db, targets.map((t) => t.id)) };
}

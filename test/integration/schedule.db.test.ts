import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { accounts, liveSessions, offlineResearch, sessionBookings, sessionClassrooms, sessionStatusHistory, sessionTeachers, teacherDispatches } from '../../server/db/schema/index.ts';
import { pgErrorOf, PgCode } from '../../server/http/errors.ts';
import { getLiveSessionForJoin, transitionSessionStatus } from '../../server/schedule/index.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/** What the database itself refuses, whoever writes — not only through the API. */
let database: TestDatabase;
let db: Db;
let dir: DemoDirectory;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db, { password: 'demo-password-for-tests' });
  dir = await demoDirectory(db);
});
afterAll(() => database?.close());

/** The PostgreSQL error a statement failed with (or undefined if it succeeded). */
async function refusal(p: Promise<unknown>) {
  try {
    await p;
    return undefined;
  } catch (err) {
    return pgErrorOf(err);
  }
}

async function session(title: string, startsAt: string, endsAt: string) {
  const [row] = await db
    .insert(liveSessions)
    .values({ communityId: dir.community('实验小学教育共同体'), kind: 'sync_lesson', title, subjectCode: 'math', mode: 'interactive', startsAt: new Date(startsAt), endsAt: new Date(endsAt) })
    .returning();
  return row!;
}

describe('session_bookings_no_overlap (direct SQL)', () => {
  it('a teacher added to two overlapping sessions is refused by the exclusion constraint', async () => {
    const a = await session('直接写入甲', '2026-12-01T01:00:00Z', '2026-12-01T01:40:00Z');
    const b = await session('直接写入乙', '2026-12-01T01:30:00Z', '2026-12-01T02:10:00Z');
    await db.insert(sessionTeachers).values({ sessionId: a.id, teacherId: dir.teacher('王丽华'), role: 'host' });
    const err = await refusal(db.insert(sessionTeachers).values({ sessionId: b.id, teacherId: dir.teacher('王丽华'), role: 'host' }));
    expect(err).toMatchObject({ code: PgCode.exclusionViolation, constraint: 'session_bookings_no_overlap' });
    // Another teacher at the same time is fine; so is the same teacher back to back.
    await db.insert(sessionTeachers).values({ sessionId: b.id, teacherId: dir.teacher('陈志强'), role: 'host' });
    const c = await session('直接写入丙', '2026-12-01T01:40:00Z', '2026-12-01T02:00:00Z');
    await db.insert(sessionTeachers).values({ sessionId: c.id, teacherId: dir.teacher('王丽华'), role: 'host' });
  });

  it('a classroom booked twice is refused, even when the booking row is written by hand', async () => {
    const a = await session('教室甲', '2026-12-02T01:00:00Z', '2026-12-02T01:40:00Z');
    const b = await session('教室乙', '2026-12-02T01:20:00Z', '2026-12-02T02:00:00Z');
    const room = dir.classroom('海盐县澉浦小学', '三年级(1)班');
    await db.insert(sessionClassrooms).values({ sessionId: a.id, classroomId: room, role: 'member' });
    expect(await refusal(db.insert(sessionClassrooms).values({ sessionId: b.id, classroomId: room, role: 'member' }))).toMatchObject({ code: PgCode.exclusionViolation });
    expect(
      await refusal(db.insert(sessionBookings).values({ sessionId: b.id, resourceKind: 'classroom', resourceId: room, during: '[2026-12-02 01:30:00+00,2026-12-02 01:50:00+00)' })),
    ).toMatchObject({ code: PgCode.exclusionViolation, constraint: 'session_bookings_no_overlap' });
  });

  it('moving a session onto a taken slot is refused; cancelling frees the slot', async () => {
    const a = await session('移动甲', '2026-12-03T01:00:00Z', '2026-12-03T01:40:00Z');
    const b = await session('移动乙', '2026-12-03T03:00:00Z', '2026-12-03T03:40:00Z');
    await db.insert(sessionTeachers).values([
      { sessionId: a.id, teacherId: dir.teacher('徐静怡'), role: 'host' },
      { sessionId: b.id, teacherId: dir.teacher('徐静怡'), role: 'host' },
    ]);
    const move = db.update(liveSessions).set({ startsAt: new Date('2026-12-03T01:30:00Z'), endsAt: new Date('2026-12-03T02:10:00Z') }).where(eq(liveSessions.id, b.id));
    expect(await refusal(move)).toMatchObject({ code: PgCode.exclusionViolation });

    await transitionSessionStatus(db, a.id, 'cancelled', { reason: '停课', system: 'test' });
    const [booking] = await db.select().from(sessionBookings).where(eq(sessionBookings.sessionId, a.id));
    expect(booking!.active).toBe(false);
    await db.update(liveSessions).set({ startsAt: new Date('2026-12-03T01:30:00Z'), endsAt: new Date('2026-12-03T02:10:00Z') }).where(eq(liveSessions.id, b.id));
  });

  it('a cancellation without a reason is refused by a check constraint', async () => {
    const a = await session('无理由取消', '2026-12-04T01:00:00Z', '2026-12-04T01:40:00Z');
    expect(await refusal(db.update(liveSessions).set({ status: 'cancelled' }).where(eq(liveSessions.id, a.id)))).toMatchObject({ code: PgCode.checkViolation, constraint: 'live_sessions_cancel_reason_ck' });
  });
});

describe('status lifecycle', () => {
  it('goes scheduled → live → delivered with history; illegal changes are refused by the database', async () => {
    const s = await session('生命周期', '2026-12-05T01:00:00Z', '2026-12-05T01:40:00Z');
    await db.insert(sessionTeachers).values({ sessionId: s.id, teacherId: dir.teacher('周敏'), role: 'host' });
    await db.insert(sessionClassrooms).values([
      { sessionId: s.id, classroomId: dir.classroom('海盐县实验小学', '三年级(1)班'), role: 'host' },
      { sessionId: s.id, classroomId: dir.classroom('海盐县六里小学', '四年级(2)班'), role: 'member' },
    ]);
    const join = await getLiveSessionForJoin(db, s.id);
    expect(join).toMatchObject({ kind: 'sync_lesson', status: 'scheduled', hostTeacher: { name: '周敏' }, hostClassroom: { name: '三年级(1)班' }, memberClassrooms: [{ name: '四年级(2)班' }] });
    expect(await getLiveSessionForJoin(db, '00000000-0000-0000-0000-000000000000')).toBeNull();

    expect(await transitionSessionStatus(db, s.id, 'live', { system: 'live:room-opened' })).toEqual({ changed: true, from: 'scheduled', to: 'live' });
    expect(await transitionSessionStatus(db, s.id, 'live', { system: 'live:room-opened' })).toMatchObject({ changed: false });
    await transitionSessionStatus(db, s.id, 'delivered', { system: 'live:evidence', reason: 'host and 1 classroom connected 38 min' });
    await expect(transitionSessionStatus(db, s.id, 'live', { system: 'test' })).rejects.toMatchObject({ status: 409, conflict: { kind: 'status_transition' } });
    expect(await refusal(db.update(liveSessions).set({ status: 'scheduled' }).where(eq(liveSessions.id, s.id)))).toMatchObject({ code: PgCode.checkViolation, constraint: 'live_sessions_status_transition_ck' });

    const history = await db.select().from(sessionStatusHistory).where(eq(sessionStatusHistory.sessionId, s.id)).orderBy(sessionStatusHistory.at);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.systemSource])).toEqual([
      ['scheduled', 'live', 'live:room-opened'],
      ['live', 'delivered', 'live:evidence'],
    ]);
  });

  it('the status history is append-only', async () => {
    const [row] = await db.select().from(sessionStatusHistory).limit(1);
    expect(await refusal(db.update(sessionStatusHistory).set({ reason: 'rewritten' }).where(eq(sessionStatusHistory.id, row!.id)))).toMatchObject({ code: PgCode.checkViolation });
    expect(await refusal(db.delete(sessionStatusHistory).where(eq(sessionStatusHistory.id, row!.id)))).toMatchObject({ code: PgCode.checkViolation });
    expect(await refusal(db.insert(sessionStatusHistory).values({ sessionId: row!.sessionId, toStatus: 'live' }))).toMatchObject({ code: PgCode.checkViolation, constraint: 'session_status_history_who_ck' });
  });
});

describe('dispatch and offline research', () => {
  it('a teacher dispatched to two schools over overlapping dates is refused', async () => {
    const base = { communityId: dir.community('实验小学教育共同体'), teacherId: dir.teacher('王丽华'), hoursPerWeek: 6 };
    await db.insert(teacherDispatches).values({ ...base, schoolId: dir.school('海盐县澉浦小学'), startsOn: '2026-09-01', endsOn: '2027-01-22' });
    const err = await refusal(db.insert(teacherDispatches).values({ ...base, schoolId: dir.school('海盐县六里小学'), startsOn: '2027-01-22', endsOn: '2027-07-02' }));
    expect(err).toMatchObject({ code: PgCode.exclusionViolation, constraint: 'teacher_dispatches_no_overlap' });
    await db.insert(teacherDispatches).values({ ...base, schoolId: dir.school('海盐县六里小学'), startsOn: '2027-01-23', endsOn: '2027-07-02' });
  });

  it('offline research is confirmed only with minutes or an attachment', async () => {
    const values = { communityId: dir.community('实验小学教育共同体'), title: '线下教研', heldOn: '2026-12-09', place: '会议室', hostSchoolId: dir.school('海盐县实验小学') };
    const confirmed = { status: 'confirmed', confirmedAt: new Date(), confirmedBy: null };
    expect(await refusal(db.insert(offlineResearch).values({ ...values, ...confirmed }))).toMatchObject({ code: PgCode.checkViolation });
    const [row] = await db.insert(offlineResearch).values(values).returning();
    const [coord] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, 'coord.shiyan'));
    const coordId = coord!.id;
    expect(await refusal(db.update(offlineResearch).set({ status: 'confirmed', confirmedAt: new Date(), confirmedBy: coordId }).where(eq(offlineResearch.id, row!.id)))).toMatchObject({
      code: PgCode.checkViolation,
      constraint: 'offline_research_evidence_ck',
    });
    await db.update(offlineResearch).set({ minutes: '研讨了分数单元的教学难点。', status: 'confirmed', confirmedAt: new Date(), confirmedBy: coordId }).where(eq(offlineResearch.id, row!.id));
  });
});

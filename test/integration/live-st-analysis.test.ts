import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../../server/db/client.ts';
import { accounts, auditLog, liveActivityIntervals, liveEvidenceIntervals, liveRecorders, liveSessions, liveStRules, sessionClassrooms, sessionTeachers } from '../../server/db/schema/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, lesson, plan, SHIYAN, XIANGYANG } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/**
 * The S-T analysis of delivered lessons over the platform (server/live/README.md,
 * "S-T analysis"), on PGlite and PostgreSQL: lessons built from known speaking
 * intervals give the expected samples, Rt, Ch and type in the participation report
 * (ST-SAMPLE-30S, ST-RT-CH, ST-TYPE-THRESHOLDS), with each classroom's speaking,
 * hands and stage; the community's yearly summary counts delivered lessons only;
 * a new threshold version (a row of live_st_rules, audited, append-only) applies
 * from its date on.
 */
let platform: TestPlatform;
let db: Db;
let dir: DemoDirectory;
let coord: SignedInClient;
let otherCoord: SignedInClient;
let recorderId = '';

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  db = platform.database.db;
  dir = await demoDirectory(db);
  [coord, otherCoord] = await Promise.all([platform.signIn('coord.shiyan'), platform.signIn('coord.xiangyang')]);
  const [r] = await db.insert(liveRecorders).values({ host: 'st-test', pid: process.pid }).returning();
  recorderId = r!.id;
});
afterAll(() => platform?.close());

const SLOT = 30_000;
type Slot = 'T' | 'S' | '-' | 'TS';

/**
 * Writes what the live plane would for a 40-minute lesson: the host teacher and the
 * member classroom each publishing a microphone the whole lesson, and speaking as
 * `pattern` says slot by slot (T: the teacher speaks the whole slot, S: the classroom,
 * TS: both, the teacher 30 s and the classroom 30 s at once, -: nobody); the last letter
 * repeats to the end. Then the verdict and the status (delivered or missed).
 */
async function deliver(sessionId: string, pattern: (k: number) => Slot, opts: { hands?: number; stageSeconds?: number; outcome?: 'delivered' | 'missed' } = {}) {
  const [s] = await db.select().from(liveSessions).where(eq(liveSessions.id, sessionId));
  const [member] = await db.select().from(sessionClassrooms).where(and(eq(sessionClassrooms.sessionId, sessionId), eq(sessionClassrooms.role, 'member')));
  const [teacherRow] = await db.select().from(sessionTeachers).where(and(eq(sessionTeachers.sessionId, sessionId), eq(sessionTeachers.role, 'host')));
  const [host] = await db.select().from(accounts).where(eq(accounts.username, 'teacher.wang'));
  const [terminal] = await db.select().from(accounts).where(eq(accounts.classroomId, member!.classroomId));
  const start = s!.startsAt.getTime();
  const end = s!.endsAt.getTime();
  const base = { sessionId, recorderId, startedAt: s!.startsAt, endedAt: s!.endsAt, endReason: 'session_ended' };
  const teacher = { role: 'host', accountId: host!.id, teacherId: teacherRow!.teacherId, peerId: 'st-host' } as const;
  const room = { role: 'classroom', accountId: terminal?.id ?? host!.id, classroomId: member!.classroomId, peerId: 'st-room' } as const;
  await db.insert(liveEvidenceIntervals).values([
    { ...base, ...teacher, kind: 'connected', direction: 'send', mediaId: randomUUID() },
    { ...base, ...teacher, kind: 'publishing', source: 'microphone', mediaId: randomUUID() },
    { ...base, ...room, kind: 'connected', direction: 'send', mediaId: randomUUID() },
    { ...base, ...room, kind: 'publishing', source: 'microphone', mediaId: randomUUID() },
  ]);
  const activity: (typeof liveActivityIntervals.$inferInsert)[] = [];
  const speak = (who: typeof teacher | typeof room, from: number, to: number) =>
    activity.push({ sessionId, recorderId, ...who, kind: 'speaking', startedAt: new Date(from), endedAt: new Date(to), endReason: 'stopped' });
  for (let k = 0; start + k * SLOT < end; k++) {
    const p = pattern(k);
    const from = start + k * SLOT;
    if (p.includes('T')) speak(teacher, from + 1000, from + SLOT - 1000);
    if (p.includes('S')) speak(room, from + 1000, from + SLOT - 1000);
  }
  for (let i = 0; i < (opts.hands ?? 0); i++) activity.push({ sessionId, recorderId, ...room, kind: 'hand', startedAt: new Date(start + (10 + i * 5) * 60_000), endedAt: new Date(start + (11 + i * 5) * 60_000), endReason: 'stopped' });
  if (opts.stageSeconds) activity.push({ sessionId, recorderId, ...room, kind: 'stage', startedAt: new Date(start + 20 * 60_000), endedAt: new Date(start + 20 * 60_000 + opts.stageSeconds * 1000), endReason: 'stopped' });
  if (activity.length) await db.insert(liveActivityIntervals).values(activity);
  await endSession(db, sessionId, opts.outcome ?? 'delivered');
}

async function report(sessionId: string) {
  const res = await coord.call(api.liveParticipation, { params: { sessionId } });
  if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
  return res.data;
}

describe('S-T analysis of delivered lessons', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // 40 minutes = 80 samples of 30 s.
    ids['lecture'] = (await plan(coord, lesson(dir, '2026-12-01', { time: '08:00' })))[0]!;
    ids['dialogue'] = (await plan(coord, lesson(dir, '2026-12-02', { time: '08:00' })))[0]!;
    ids['practice'] = (await plan(coord, lesson(dir, '2026-12-03', { time: '08:00' })))[0]!;
    ids['missed'] = (await plan(coord, lesson(dir, '2026-12-04', { time: '08:00' })))[0]!;
    ids['other'] = (await plan(otherCoord, lesson(dir, '2026-12-01', { time: '08:00', community: XIANGYANG })))[0]!;
    await deliver(ids['lecture']!, () => 'T');
    // Teacher and classroom take turns every half minute.
    await deliver(ids['dialogue']!, (k) => (k % 2 === 0 ? 'T' : 'S'), { hands: 3, stageSeconds: 90 });
    // The teacher speaks 10 slots, the classroom 10, then silence (exercises): S.
    await deliver(ids['practice']!, (k) => (k < 10 ? 'T' : k < 20 ? 'S' : '-'));
    await deliver(ids['missed']!, () => 'T', { outcome: 'missed' });
    await deliver(ids['other']!, () => 'S');
  });

  it('ST-SAMPLE-30S, ST-RT-CH, ST-TYPE-THRESHOLDS: the report gives each lesson its samples, Rt, Ch and type, with the threshold version', async () => {
    const lecture = await report(ids['lecture']!);
    expect(lecture.st).toMatchObject({ samples: 'T'.repeat(80), sampleCount: 80, teacherSamples: 80, silentSamples: 0, runs: 1, rt: 1, ch: 0, type: 'lecture' });
    expect(lecture.st!.rules).toEqual({ effectiveFrom: '2025-09-01', sampleSeconds: 30, practiceMaxRt: 0.3, lectureMinRt: 0.7, dialogueMinCh: 0.4 });

    const dialogue = await report(ids['dialogue']!);
    expect(dialogue.st).toMatchObject({ samples: 'TS'.repeat(40), teacherSamples: 40, runs: 80, rt: 0.5, type: 'dialogue' });
    expect(dialogue.st!.ch).toBeCloseTo(79 / 80, 3);

    const practice = await report(ids['practice']!);
    expect(practice.st).toMatchObject({ samples: 'T'.repeat(10) + 'S'.repeat(70), silentSamples: 60, runs: 2, rt: 0.125, type: 'practice' });
  });

  it('per classroom: speaking seconds, hands raised and seconds on stage beside the S-T data', async () => {
    const dialogue = await report(ids['dialogue']!);
    const room = dialogue.participants.find((p) => p.kind === 'classroom' && !p.hostClassroom)!;
    // 40 slots in which the classroom spoke 28 s each.
    expect(room).toMatchObject({ speakingSeconds: 40 * 28, handRaises: 3, stageSeconds: 90 });
    const host = dialogue.participants.find((p) => p.role === 'host')!;
    expect(host.speakingSeconds).toBe(40 * 28);
  });

  it('the community summary: delivered lessons of the year only — mean Rt and Ch, lessons per type; 404 outside the coordinator\'s communities', async () => {
    const res = await coord.call(api.communitySt, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2026-2027' } });
    if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
    expect(res.data).toMatchObject({ academicYear: '2026-2027', lessons: 3, analysed: 3, byType: { lecture: 1, dialogue: 1, practice: 1, mixed: 0 } });
    expect(res.data.avgRt).toBeCloseTo((1 + 0.5 + 0.125) / 3, 3);
    expect(res.data.avgCh).toBeCloseTo((0 + 79 / 80 + 1 / 80) / 3, 2);
    // The other community's lesson is its own.
    const other = await otherCoord.call(api.communitySt, { params: { communityId: dir.community(XIANGYANG) }, query: { academicYear: '2026-2027' } });
    expect(other.ok && other.data).toMatchObject({ lessons: 1, byType: { practice: 1 } });
    expect((await otherCoord.call(api.communitySt, { params: { communityId: dir.community(SHIYAN) }, query: {} })).status).toBe(404);
    expect((await coord.call(api.communitySt, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2030-2031' } })).status).toBe(404);
    expect((await coord.call(api.communitySt, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: 'next' } as never })).status).toBe(400);
  });

  it('ST-TYPE-THRESHOLDS are data: a new version (audited, append-only) applies to lessons from its date on', async () => {
    await db.insert(liveStRules).values({ effectiveFrom: '2027-01-01', sampleSeconds: 60, practiceMaxRt: 0.3, lectureMinRt: 0.5, dialogueMinCh: 0.4, description: 'test: 60-s samples' });
    const [later] = await plan(coord, lesson(dir, '2027-01-05', { time: '08:00' }));
    await deliver(later!, (k) => (k % 2 === 0 ? 'T' : 'S'));
    // 60-s samples: each holds 28 s of the teacher and 28 s of the classroom — a tie, T.
    expect((await report(later!)).st).toMatchObject({ samples: 'T'.repeat(40), rt: 1, type: 'lecture', rules: { effectiveFrom: '2027-01-01', sampleSeconds: 60 } });
    // The December lesson keeps the version of its date.
    expect((await report(ids['dialogue']!)).st).toMatchObject({ type: 'dialogue', rules: { effectiveFrom: '2025-09-01' } });

    const audited = await db.select().from(auditLog).where(and(eq(auditLog.tableName, 'live_st_rules'), eq(auditLog.rowId, '2027-01-01')));
    expect(audited.map((a) => a.op)).toEqual(['insert']);
    await expect(db.update(liveStRules).set({ lectureMinRt: 0.9 }).where(eq(liveStRules.effectiveFrom, '2027-01-01'))).rejects.toThrow();
    const [kept] = await db.select().from(liveStRules).where(eq(liveStRules.effectiveFrom, '2027-01-01'));
    expect(Number(kept!.lectureMinRt)).toBe(0.5);
    await expect(db.insert(liveStRules).values({ effectiveFrom: '2027-02-01', sampleSeconds: 30, practiceMaxRt: 0.8, lectureMinRt: 0.7, dialogueMinCh: 0.4, description: 'practice above lecture' })).rejects.toThrow();
  });
});

describe('S-T thresholds over the API', () => {
  const version = { effectiveFrom: '2027-09-01', sampleSeconds: 30, practiceMaxRt: 0.25, lectureMinRt: 0.75, dialogueMinCh: 0.4, description: '2027-2028 学年阈值' };

  it('ST-TYPE-THRESHOLDS: anyone signed in lists the versions; only an admin adds one — audited with the admin, 409 for a date taken, 400 naming the field', async () => {
    const admin = await platform.signIn('admin');
    const listed = await coord.call(api.listStRules, {});
    expect(listed.ok && listed.data.map((v) => v.effectiveFrom)).toContain('2025-09-01');

    expect((await coord.call(api.addStRules, { body: version })).status).toBe(403);
    const added = await admin.call(api.addStRules, { body: version });
    expect(added.status).toBe(201);
    expect(added.ok && added.data).toEqual({ effectiveFrom: '2027-09-01', sampleSeconds: 30, practiceMaxRt: 0.25, lectureMinRt: 0.75, dialogueMinCh: 0.4 });
    const [entry] = await db.select().from(auditLog).where(and(eq(auditLog.tableName, 'live_st_rules'), eq(auditLog.rowId, '2027-09-01')));
    expect(entry).toMatchObject({ op: 'insert', actorAccountId: admin.me.account.id });

    const again = await admin.call(api.addStRules, { body: version });
    expect(again.status).toBe(409);
    expect(!again.ok && again.error.conflict).toMatchObject({ kind: 'st_rules', id: '2027-09-01' });

    const inverted = await admin.call(api.addStRules, { body: { ...version, effectiveFrom: '2028-09-01', practiceMaxRt: 0.8 } });
    expect(inverted.status).toBe(400);
    expect(!inverted.ok && inverted.error.fields?.map((f) => f.field)).toEqual(['lectureMinRt']);
    const tooShort = await admin.call(api.addStRules, { body: { ...version, effectiveFrom: '2028-09-01', sampleSeconds: 1 } });
    expect(!tooShort.ok && tooShort.error.fields?.map((f) => f.field)).toEqual(['sampleSeconds']);
    const after = await coord.call(api.listStRules, {});
    expect(after.ok && after.data.map((v) => v.effectiveFrom)).not.toContain('2028-09-01');
  });
});

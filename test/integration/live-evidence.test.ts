/**
 * Evidence of live sessions in the database: append-only intervals (the
 * trigger), crash recovery at the last heartbeat, the delivered/missed verdict
 * computed from the intervals with the rules of the year, the auto-close of a
 * session nobody ended, and who may see evidence and recordings (with HTTP
 * range requests for playing).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { liveEvidenceIntervals, liveRecorders, liveRecordings, liveSessionVerdicts } from '../../server/db/schema/index.ts';
import type { IntervalSpec } from '../../server/evidence/EvidenceRecorder.ts';
import { createLiveSession, liveService, shortSessionRules, tempDataDir } from '../support/live.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let dir: DemoDirectory;
let accounts: Record<'wang' | 'ganpu' | 'liuli' | 'li', { accountId: string }>;

beforeAll(async () => {
  // No media workers: these tests write the media plane's facts themselves.
  platform = await startTestPlatform({ env: { LIVE_SWEEP_SECONDS: '0', LIVE_AUTO_CLOSE_MINUTES: '1', ...data.env } });
  await liveService(platform).whenReady();
  dir = await demoDirectory(platform.database.db);
  const me = async (u: string) => ({ accountId: (await platform.signIn(u)).me.account.id });
  accounts = { wang: await me('teacher.wang'), ganpu: await me('class.ganpu'), liuli: await me('class.liuli'), li: await me('teacher.li') };
  await shortSessionRules(platform);
});

afterAll(async () => {
  await platform?.close();
  data.cleanup();
});

async function sessionTimes(sessionId: string) {
  const s = await liveService(platform).directory.get(sessionId);
  return { start: s!.startsAt.getTime(), end: s!.endsAt.getTime() };
}

/** Writes what the media plane would have reported for a lesson, as fractions of its scheduled time. */
async function lessonEvidence(sessionId: string, o: { teacher: [number, number]; classrooms: { who: 'ganpu' | 'liuli'; from: number; to: number }[] }) {
  const service = liveService(platform);
  const { start, end } = await sessionTimes(sessionId);
  const at = (f: number) => new Date(start + f * (end - start));
  const ev = service.evidence;
  const host = { sessionId, role: 'host' as const, accountId: accounts.wang.accountId, teacherId: dir.teacher('王丽华'), classroomId: null, peerId: `host-${sessionId}` };
  const span = (spec: IntervalSpec, to: number) => {
    ev.open(spec);
    ev.close(spec.kind, spec.mediaId, at(to), 'stopped');
  };
  const [f, t] = o.teacher;
  span({ ...host, kind: 'connected', direction: 'send', mediaId: `t-send-${sessionId}`, at: at(f) }, t);
  span({ ...host, kind: 'publishing', source: 'camera', mediaId: `t-cam-${sessionId}`, at: at(f) }, t);
  span({ ...host, kind: 'publishing', source: 'microphone', mediaId: `t-mic-${sessionId}`, at: at(f) }, t);
  for (const c of o.classrooms) {
    const classroomId = c.who === 'ganpu' ? dir.classroom('海盐县澉浦小学', '三年级(1)班') : dir.classroom('海盐县六里小学', '四年级(2)班');
    const me = { sessionId, role: 'classroom' as const, accountId: accounts[c.who].accountId, teacherId: null, classroomId, peerId: `${c.who}-${sessionId}` };
    const from = { peerId: host.peerId, accountId: host.accountId, role: 'host' as const };
    span({ ...me, kind: 'connected', direction: 'recv', mediaId: `${c.who}-recv-${sessionId}`, at: at(c.from) }, c.to);
    span({ ...me, kind: 'receiving', source: 'camera', from, mediaId: `${c.who}-cam-${sessionId}`, at: at(c.from) }, c.to);
    span({ ...me, kind: 'receiving', source: 'microphone', from, mediaId: `${c.who}-mic-${sessionId}`, at: at(c.from) }, c.to);
    // The classroom is seen too (its camera on): the participation rules want it present (issue #6).
    span({ ...me, kind: 'connected', direction: 'send', mediaId: `${c.who}-send-${sessionId}`, at: at(c.from) }, c.to);
    span({ ...me, kind: 'publishing', source: 'camera', mediaId: `${c.who}-pub-cam-${sessionId}`, at: at(c.from) }, c.to);
  }
  await ev.flush();
}

async function goLive(sessionId: string) {
  await liveService(platform).directory.transition(sessionId, 'live', null, { actorAccountId: accounts.wang.accountId });
}

describe('append-only intervals', () => {
  it('an open interval may be closed once; a closed one never changes; nothing is deleted', async () => {
    const sessionId = await createLiveSession(platform);
    const service = liveService(platform);
    const spec: IntervalSpec = { sessionId, kind: 'publishing', role: 'host', accountId: accounts.wang.accountId, teacherId: dir.teacher('王丽华'), classroomId: null, peerId: 'p1', source: 'camera', mediaId: 'prod-append-only', at: new Date() };
    service.evidence.open(spec);
    await service.evidence.flush();
    const db = platform.database.db;
    const [row] = await db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.mediaId, 'prod-append-only'));
    expect(row).toMatchObject({ endedAt: null, endReason: null });

    // Changing anything but the end of an open interval is refused.
    await expect(db.update(liveEvidenceIntervals).set({ source: 'screen' }).where(eq(liveEvidenceIntervals.id, row!.id))).rejects.toThrow();
    await expect(db.update(liveEvidenceIntervals).set({ endedAt: new Date(), endReason: 'stopped', peerId: 'p2' }).where(eq(liveEvidenceIntervals.id, row!.id))).rejects.toThrow();
    await expect(db.delete(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.id, row!.id))).rejects.toThrow();

    service.evidence.close('publishing', 'prod-append-only', new Date(), 'stopped');
    await service.evidence.flush();
    const [closed] = await db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.id, row!.id));
    expect(closed!.endReason).toBe('stopped');

    const refused = await db.update(liveEvidenceIntervals).set({ endedAt: new Date(Date.now() + 3600_000) }).where(eq(liveEvidenceIntervals.id, row!.id)).then(() => null, (e: unknown) => e);
    expect(String((refused as { cause?: unknown })?.cause ?? refused)).toMatch(/append-only: interval .* is closed and may not change/);
    await expect(db.delete(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.id, row!.id))).rejects.toThrow();
    await expect(db.execute(sql`truncate live_evidence_intervals`)).rejects.toThrow();
  });

  it('after a crash, intervals left open are closed at the dead server\'s last heartbeat', async () => {
    const sessionId = await createLiveSession(platform);
    const db = platform.database.db;
    const lastBeat = new Date(Date.now() - 10 * 60_000);
    const [dead] = await db.insert(liveRecorders).values({ host: 'crashed-host', pid: 4242, startedAt: new Date(lastBeat.getTime() - 3600_000), heartbeatAt: lastBeat }).returning();
    await db.insert(liveEvidenceIntervals).values({
      sessionId,
      recorderId: dead!.id,
      kind: 'connected',
      role: 'classroom',
      accountId: accounts.ganpu.accountId,
      classroomId: dir.classroom('海盐县澉浦小学', '三年级(1)班'),
      peerId: 'crashed-peer',
      direction: 'recv',
      mediaId: 'crashed-transport',
      startedAt: new Date(lastBeat.getTime() - 20 * 60_000),
    });
    expect(await liveService(platform).evidence.recoverStale()).toBe(1);
    const [row] = await db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.mediaId, 'crashed-transport'));
    expect(row).toMatchObject({ endReason: 'crash_recovered', endedAt: lastBeat });
    const [r] = await db.select().from(liveRecorders).where(eq(liveRecorders.id, dead!.id));
    expect(r!.stoppedAt).toEqual(lastBeat);
    // A live recorder (this server) is left alone.
    expect(await liveService(platform).evidence.recoverStale()).toBe(0);
  });
});

describe('delivered or missed', () => {
  it('E-TEACHER-PUBLISHED + E-CLASSROOM-RECEIVED: the teacher published 90% and a classroom received 70% → delivered', async () => {
    const sessionId = await createLiveSession(platform);
    await goLive(sessionId);
    await lessonEvidence(sessionId, { teacher: [0, 0.9], classrooms: [{ who: 'ganpu', from: 0.1, to: 0.8 }, { who: 'liuli', from: 0.5, to: 0.6 }] });
    const verdict = await liveService(platform).endSession(sessionId, 'host', accounts.wang);
    expect(verdict.status).toBe('delivered');
    expect(verdict.outcomes.map((o) => [o.ruleId, o.passed, o.measuredShare])).toEqual([
      ['E-TEACHER-PUBLISHED', true, 0.9],
      ['E-CLASSROOM-RECEIVED', true, 0.7],
      ['P-LESSON-TEACHER-AV', true, 0.9],
      ['P-LESSON-CLASSROOM-PRESENT', true, 0.7],
    ]);

    const coordinator = await platform.signIn('coord.shiyan');
    const s = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(s.ok && s.data.status).toBe('delivered');
    const evidence = await coordinator.call(api.liveEvidence, { params: { sessionId } });
    expect(evidence.ok).toBe(true);
    if (!evidence.ok) return;
    expect(evidence.data.intervals).toHaveLength(13);
    expect(evidence.data.intervals.every((i) => i.endedAt !== null)).toBe(true);
    expect(evidence.data.verdict).toMatchObject({ status: 'delivered', endCause: 'host' });
    // The verdict is written once.
    await expect(platform.database.db.update(liveSessionVerdicts).set({ status: 'missed' }).where(eq(liveSessionVerdicts.sessionId, sessionId))).rejects.toThrow();
  });

  it('E-CLASSROOM-RECEIVED: the teacher taught but classrooms saw only half → missed, with the reason on the session', async () => {
    const sessionId = await createLiveSession(platform);
    await goLive(sessionId);
    await lessonEvidence(sessionId, { teacher: [0, 1], classrooms: [{ who: 'ganpu', from: 0, to: 0.5 }] });
    const verdict = await liveService(platform).endSession(sessionId, 'auto_close', null);
    expect(verdict.status).toBe('missed');
    expect(verdict.reason).toMatch(/^E-CLASSROOM-RECEIVED: 0 of 2 member classrooms/);
    const coordinator = await platform.signIn('coord.shiyan');
    const history = await coordinator.call(api.sessionHistory, { params: { id: sessionId } });
    expect(history.ok && history.data.at(-1)).toMatchObject({ fromStatus: 'live', toStatus: 'missed', systemSource: 'live:auto-close', reason: verdict.reason });
  });

  it('E-TEACHER-PUBLISHED: a new rule version for the year applies to sessions from its date (admin only)', async () => {
    const admin = await platform.signIn('admin');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const rule = { ruleId: 'E-TEACHER-PUBLISHED' as const, effectiveFrom: today, minShare: 0.95, minCount: 1, marginMinutes: 10, description: 'stricter this year' };
    const teacher = await platform.signIn('teacher.wang');
    expect((await teacher.call(api.addEvidenceRule, { body: rule })).status).toBe(403);
    expect((await admin.call(api.addEvidenceRule, { body: rule })).status).toBe(201);
    expect((await admin.call(api.addEvidenceRule, { body: rule })).status).toBe(409);
    const rules = await teacher.call(api.listEvidenceRules);
    expect(rules.ok && rules.data.filter((r) => r.ruleId === 'E-TEACHER-PUBLISHED').map((r) => r.minShare)).toEqual([0.6, 0.95]);

    const sessionId = await createLiveSession(platform);
    await goLive(sessionId);
    await lessonEvidence(sessionId, { teacher: [0, 0.9], classrooms: [{ who: 'ganpu', from: 0, to: 1 }] });
    const verdict = await liveService(platform).endSession(sessionId, 'host', accounts.wang);
    expect(verdict.outcomes[0]).toMatchObject({ ruleId: 'E-TEACHER-PUBLISHED', passed: false, requiredShare: 0.95 });
  });

  it('a live session nobody ends is closed LIVE_AUTO_CLOSE_MINUTES after its scheduled end', async () => {
    const sessionId = await createLiveSession(platform, { durationMs: 60_000 });
    await goLive(sessionId);
    const service = liveService(platform);
    const { end } = await sessionTimes(sessionId);
    expect(await service.sweep(new Date(end + 30_000))).not.toContain(sessionId);
    expect(await service.sweep(new Date(end + 61_000))).toContain(sessionId);
    const [v] = await platform.database.db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
    expect(v).toMatchObject({ status: 'missed', endCause: 'auto_close', endedBy: null });
  });

  it('a scheduled session nobody started becomes missed, reason never_started, past its end plus the auto-close delay', async () => {
    const sessionId = await createLiveSession(platform, { durationMs: 60_000 });
    const service = liveService(platform);
    const { end } = await sessionTimes(sessionId);
    expect(await service.sweep(new Date(end + 30_000))).not.toContain(sessionId);
    expect(await service.sweep(new Date(end + 61_000))).toContain(sessionId);
    const [v] = await platform.database.db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
    expect(v).toMatchObject({ status: 'missed', reason: 'never_started', endCause: 'auto_close', endedBy: null });
    const coordinator = await platform.signIn('coord.shiyan');
    const session = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(session.ok && session.data.status).toBe('missed');
    const history = await coordinator.call(api.sessionHistory, { params: { id: sessionId } });
    expect(history.ok && history.data.at(-1)).toMatchObject({ fromStatus: 'scheduled', toStatus: 'missed', reason: 'never_started', systemSource: 'live:auto-close' });
  });
});

describe('who sees evidence and recordings', () => {
  let sessionId: string;
  let recordingId: string;
  const bytes = Buffer.alloc(64 * 1024, 7);

  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    const file = path.join(liveService(platform).recordings.directoryOf(sessionId), 'lesson.webm');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const [row] = await platform.database.db
      .insert(liveRecordings)
      .values({ sessionId, startedBy: accounts.wang.accountId, storageKey: `${sessionId}/lesson.webm`, contentType: 'video/webm', status: 'ready', sizeBytes: bytes.length, endedAt: new Date() })
      .returning();
    recordingId = row!.id;
  });

  it('the teacher, the community\'s coordinator and the county\'s auditor list, play and download recordings', async () => {
    for (const who of ['teacher.wang', 'coord.shiyan', 'auditor.haiyan']) {
      const user = await platform.signIn(who);
      const list = await user.call(api.listRecordings, { params: { sessionId } });
      expect(list.ok && list.data.map((r) => [r.id, r.status, r.sizeBytes]), who).toEqual([[recordingId, 'ready', bytes.length]]);
      const res = await fetch(`${platform.url}/api/live/recordings/${recordingId}/download`, { headers: { cookie: user.cookie } });
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''lesson\.webm/);
      expect((await res.arrayBuffer()).byteLength).toBe(bytes.length);
    }
  });

  it('playing answers range requests (206) so the player can seek', async () => {
    const coordinator = await platform.signIn('coord.shiyan');
    const res = await fetch(`${platform.url}/api/live/recordings/${recordingId}/file`, { headers: { cookie: coordinator.cookie, range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(res.headers.get('content-type')).toMatch(/^video\/webm/);
    expect((await res.arrayBuffer()).byteLength).toBe(1000);
  });

  it('nobody else: classrooms, other teachers, other coordinators, admins get 404', async () => {
    for (const who of ['class.ganpu', 'teacher.li', 'coord.xiangyang', 'admin']) {
      const user = await platform.signIn(who);
      expect((await user.call(api.listRecordings, { params: { sessionId } })).status, who).toBe(404);
      const res = await fetch(`${platform.url}/api/live/recordings/${recordingId}/file`, { headers: { cookie: user.cookie } });
      expect(res.status, who).toBe(404);
    }
    expect((await platform.anonymous()(api.listRecordings, { params: { sessionId } })).status).toBe(401);
  });

  it('evidence: the session\'s teachers, coordinators and auditors see it; classrooms and outsiders get 404', async () => {
    for (const [who, status] of [['teacher.wang', 200], ['auditor.haiyan', 200], ['class.ganpu', 404], ['teacher.li', 404], ['coord.xiangyang', 404]] as const) {
      const user = await platform.signIn(who);
      expect((await user.call(api.liveEvidence, { params: { sessionId } })).status, who).toBe(status);
    }
  });

  it('a classroom terminal finds the lesson it takes part in (GET /api/live/now)', async () => {
    const ganpu = await platform.signIn('class.ganpu');
    const now = await ganpu.call(api.liveNow);
    expect(now.ok && now.data.map((i) => i.role)).toContain('classroom');
    const li = await platform.signIn('teacher.li');
    const none = await li.call(api.liveNow);
    expect(none.ok && none.data.filter((i) => i.session.kind === 'sync_lesson')).toEqual([]);
  });
});

describe('an orderly shutdown', () => {
  it('closes every open interval (shutdown) and marks the recorder stopped', async () => {
    const sessionId = await createLiveSession(platform);
    const service = liveService(platform);
    service.evidence.open({ sessionId, kind: 'connected', role: 'host', accountId: accounts.wang.accountId, teacherId: dir.teacher('王丽华'), classroomId: null, peerId: 'p-shutdown', direction: 'send', mediaId: 'transport-shutdown', at: new Date() });
    await service.shutdown();
    const db = platform.database.db;
    const [row] = await db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.mediaId, 'transport-shutdown'));
    expect(row!.endReason).toBe('shutdown');
    const [recorder] = await db.select().from(liveRecorders).where(eq(liveRecorders.id, service.evidence.recorderId));
    expect(recorder!.stoppedAt).not.toBeNull();
  });
});

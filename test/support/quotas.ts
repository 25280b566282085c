import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../../server/db/client.ts';
import { liveEvidenceIntervals, liveRecorders, liveSessionVerdicts, liveSessions, sessionClassrooms, accounts, classrooms } from '../../server/db/schema/index.ts';
import { transitionSessionStatus } from '../../server/schedule/lifecycle.ts';
import { quotaLiveOf } from '../../server/quotas/realtime.ts';
import type { RunningServer } from '../../server/server.ts';
import type { SignedInClient, TestPlatform } from './platform.ts';
import { demoDirectory, type DemoDirectory } from './schedule.ts';

/**
 * Quota-tracker test helpers: lessons planned through the scheduling API, then
 * "delivered" the way server/live does it — evidence intervals (append-only), a verdict
 * with its rule IDs, and the status change through scheduling's lifecycle — without a
 * media worker, so each rule's edges run fast on both databases.
 */

export const SHIYAN = '实验小学教育共同体';
export const XIANGYANG = '向阳小学教育共同体';

/** The demo communities' casts: host teacher by subject, host classroom, member classrooms. */
export const casts = {
  [SHIYAN]: { core: '海盐县实验小学', room: '同步课堂录播教室', teachers: { math: '王丽华', chinese: '陈志强', music: '徐静怡', english: '周敏' } as Record<string, string>, members: [['海盐县澉浦小学', '三年级(1)班']] },
  [XIANGYANG]: { core: '海盐县向阳小学', room: '未来教室', teachers: { math: '金鑫', art: '顾晓红', chinese: '杨帆' } as Record<string, string>, members: [['海盐县沈荡小学', '三年级(1)班']] },
};

/** A lesson draft at a local date and time (Asia/Shanghai), by default of the 实验小学 community. */
export function lesson(dir: DemoDirectory, localDate: string, opts: { community?: keyof typeof casts; subject?: string; time?: string; members?: string[][]; recurrence?: { count: number } } = {}) {
  const cast = casts[opts.community ?? SHIYAN];
  const startsAt = new Date(`${localDate}T${opts.time ?? '09:00'}:00+08:00`);
  const endsAt = new Date(startsAt.getTime() + 40 * 60_000);
  const subject = opts.subject ?? 'math';
  return {
    communityId: dir.community(opts.community ?? SHIYAN),
    kind: 'sync_lesson' as const,
    title: `${subject} 同步课 ${localDate}`,
    subjectCode: subject,
    mode: 'interactive' as const,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    hostTeacherId: dir.teacher(cast.teachers[subject] ?? cast.teachers['math']!),
    hostClassroomId: dir.classroom(cast.core, cast.room),
    memberClassroomIds: (opts.members ?? cast.members).map(([s, c]) => dir.classroom(s!, c!)),
    recurrence: opts.recurrence ? { intervalWeeks: 1, count: opts.recurrence.count } : null,
    override: { reason: 'quota test' },
  };
}

/** Online research of the 实验小学 community: 王丽华 hosts, 李春燕 (澉浦小学) is invited. */
export function research(dir: DemoDirectory, localDate: string, opts: { time?: string; recurrence?: { count: number } } = {}) {
  const startsAt = new Date(`${localDate}T${opts.time ?? '15:00'}:00+08:00`);
  return {
    communityId: dir.community(SHIYAN),
    kind: 'online_research' as const,
    title: `集体备课 ${localDate}`,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 60 * 60_000).toISOString(),
    hostTeacherId: dir.teacher('王丽华'),
    invitedTeacherIds: [dir.teacher('李春燕')],
    recurrence: opts.recurrence ? { intervalWeeks: 1, count: opts.recurrence.count } : null,
    override: { reason: 'quota test' },
  };
}

export async function plan(coord: SignedInClient, draft: ReturnType<typeof lesson> | Record<string, unknown>): Promise<string[]> {
  const res = await coord.call(api.createSession, { body: draft as never });
  if (!res.ok) throw new Error(`planning failed: ${res.status} ${res.error.message}`);
  return res.data.sessions.map((s) => s.id);
}

/** One recorder row per test database (a worker may run several files, each with its own database). */
const recorders = new WeakMap<Db, string>();

/**
 * Delivers (or misses) a session as the live plane would: intervals for the host
 * publishing and for the member classrooms that `attend` (default all) receiving the
 * host, the verdict, then `live:evidence` moves the status.
 */
export async function endSession(db: Db, sessionId: string, outcome: 'delivered' | 'missed' = 'delivered', opts: { attend?: string[] } = {}) {
  let recorder = recorders.get(db);
  if (!recorder) {
    const [r] = await db.insert(liveRecorders).values({ host: 'test', pid: process.pid }).returning();
    recorder = r!.id;
    recorders.set(db, recorder);
  }
  const [s] = await db.select().from(liveSessions).where(eq(liveSessions.id, sessionId));
  const members = await db.select({ classroomId: sessionClassrooms.classroomId }).from(sessionClassrooms).where(sql`${sessionClassrooms.sessionId} = ${sessionId} and ${sessionClassrooms.role} = 'member'`);
  const [host] = await db.select().from(accounts).where(eq(accounts.username, 'teacher.wang'));
  const attend = outcome === 'delivered' ? (opts.attend ?? members.map((m) => m.classroomId)) : [];
  const rows: (typeof liveEvidenceIntervals.$inferInsert)[] = [];
  const span = { startedAt: s!.startsAt, endedAt: s!.endsAt, endReason: 'session_ended', recorderId: recorder!, sessionId };
  if (outcome === 'delivered') {
    rows.push({ ...span, kind: 'connected', role: 'host', accountId: host!.id, teacherId: null, peerId: 'host', direction: 'send', mediaId: randomUUID() });
    for (const source of ['camera', 'microphone'] as const) rows.push({ ...span, kind: 'publishing', role: 'host', accountId: host!.id, peerId: 'host', source, mediaId: randomUUID() });
  }
  for (const classroomId of attend) {
    const [room] = await db.select().from(classrooms).where(eq(classrooms.id, classroomId));
    const [terminal] = await db.select().from(accounts).where(eq(accounts.classroomId, classroomId));
    const accountId = terminal?.id ?? host!.id;
    const peerId = `room-${room!.id.slice(0, 8)}`;
    rows.push({ ...span, kind: 'connected', role: 'classroom', accountId, classroomId, peerId, direction: 'recv', mediaId: randomUUID() });
    for (const source of ['camera', 'microphone'] as const) {
      rows.push({ ...span, kind: 'receiving', role: 'classroom', accountId, classroomId, peerId, source, fromPeerId: 'host', fromAccountId: host!.id, fromRole: 'host', mediaId: randomUUID() });
    }
  }
  if (rows.length) await db.insert(liveEvidenceIntervals).values(rows);
  const passed = outcome === 'delivered';
  await db.insert(liveSessionVerdicts).values({
    sessionId,
    status: outcome,
    reason: passed ? null : 'E-TEACHER-PUBLISHED: the teacher sent picture and sound for 0% of the scheduled time (needs 60%)',
    outcomes: [
      { ruleId: 'E-TEACHER-PUBLISHED', passed, measuredShare: passed ? 1 : 0, count: passed ? 1 : 0, requiredShare: 0.6, requiredCount: 1, detail: 'test' },
      { ruleId: 'E-CLASSROOM-RECEIVED', passed, measuredShare: passed ? 1 : 0, count: attend.length, requiredShare: 0.6, requiredCount: 1, detail: 'test' },
    ],
    rules: [],
    endedAt: s!.endsAt,
    endCause: 'host',
    endedBy: host!.id,
  });
  await transitionSessionStatus(db, sessionId, outcome, { system: 'live:evidence', reason: passed ? null : 'E-TEACHER-PUBLISHED failed' });
}

/** Waits until the platform's live recompute has caught up with every notification committed so far. */
export async function settled(platform: TestPlatform | RunningServer): Promise<void> {
  const server = 'server' in platform ? platform.server : platform;
  await quotaLiveOf(server.io)?.caughtUp();
}

export async function directory(platform: TestPlatform) {
  return demoDirectory(platform.database.db);
}

/** Minimal valid files, for corrections' attachments. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

/** Uploads a correction (multipart: JSON `data` + `file`). */
export async function postCorrection(platform: TestPlatform, user: SignedInClient, communityId: string, data: Record<string, unknown>, file: { bytes: Buffer; type: string; name: string } | null = { bytes: PNG, type: 'image/png', name: '课堂照片.png' }) {
  const form = new FormData();
  form.set('data', JSON.stringify(data));
  if (file) form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${platform.url}/api/quotas/communities/${communityId}/corrections`, { method: 'POST', body: form, headers: { cookie: user.cookie, 'x-csrf-token': user.me.csrfToken } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id?: string; error?: { message: string; fields?: { field: string }[]; conflict?: { kind: string } } } };
}

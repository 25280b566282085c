import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { api } from '../../shared/api/index.ts';
import { SignalingClient } from '../../client/src/media/signaling.ts';
import { SignalingError } from '../../shared/signaling/protocol.ts';
import type { LessonMode, SessionKind } from '../../shared/schemas/schedule.ts';
import type { NotificationName, NotificationOf } from '../../shared/signaling/protocol.ts';
import type { ParticipantFigures, SessionParticipation } from '../../shared/schemas/live.ts';
import { eq } from 'drizzle-orm';
import { liveSessions } from '../../server/db/schema/schedule.ts';
import { liveServiceOf, type LiveService } from '../../server/live/service.ts';
import { demoDirectory } from './schedule.ts';
import type { SignedInClient, TestPlatform } from './platform.ts';
import { nextEvent, waitFor } from './waitFor.ts';

/**
 * Live-classroom test helpers: scheduled sessions of the demo county, and
 * signaling clients speaking the shared table over a real socket.io-client.
 *
 * Demo cast: 王丽华 (teacher.wang) teaches from 实验小学 同步课堂录播教室 to
 * 澉浦小学 三年级(1)班 (class.ganpu) and 六里小学 四年级(2)班 (class.liuli);
 * 李春燕 (teacher.li, 澉浦小学) is invited to research sessions; coord.shiyan
 * coordinates the community.
 */
export interface LiveSessionSpec {
  kind?: SessionKind;
  mode?: LessonMode;
  /** Start this long from now (may be negative: already started). Default 5 s. */
  startsInMs?: number;
  /** Scheduled duration. Default 60 s (tests run short lessons). */
  durationMs?: number;
  /** Member classrooms: default both demo terminals. */
  members?: ('ganpu' | 'liuli')[];
}

/**
 * The demo teacher may not be booked twice: each new session starts after the previous one's
 * scheduled end, per test database (a worker may run several files, each with its own).
 */
const nextFreeOf = new WeakMap<object, number>();

export async function createLiveSession(platform: Pick<TestPlatform, 'database' | 'signIn'>, spec: LiveSessionSpec = {}): Promise<string> {
  const dir = await demoDirectory(platform.database.db);
  const coordinator = await platform.signIn('coord.shiyan');
  const starts = new Date(Math.max(Date.now() + (spec.startsInMs ?? 5_000), nextFreeOf.get(platform.database.db) ?? 0));
  // Whole seconds: the schema wants an ISO instant with an offset.
  starts.setMilliseconds(0);
  starts.setSeconds(starts.getSeconds() + 1);
  const ends = new Date(starts.getTime() + (spec.durationMs ?? 60_000));
  nextFreeOf.set(platform.database.db, ends.getTime() + 1000);
  const kind = spec.kind ?? 'sync_lesson';
  const classroomOf = { ganpu: dir.classroom('海盐县澉浦小学', '三年级(1)班'), liuli: dir.classroom('海盐县六里小学', '四年级(2)班') };
  const body =
    kind === 'sync_lesson'
      ? {
          communityId: dir.community('实验小学教育共同体'),
          kind,
          title: '分数的初步认识',
          subjectCode: 'math',
          mode: spec.mode ?? 'interactive',
          startsAt: starts.toISOString(),
          endsAt: ends.toISOString(),
          hostTeacherId: dir.teacher('王丽华'),
          hostClassroomId: dir.classroom('海盐县实验小学', '同步课堂录播教室'),
          memberClassroomIds: (spec.members ?? ['ganpu', 'liuli']).map((m) => classroomOf[m]),
          override: { reason: 'test run outside the school calendar' },
        }
      : {
          communityId: dir.community('实验小学教育共同体'),
          kind,
          title: '三年级数学集体备课',
          startsAt: starts.toISOString(),
          endsAt: ends.toISOString(),
          hostTeacherId: dir.teacher('王丽华'),
          invitedTeacherIds: [dir.teacher('李春燕')],
          override: { reason: 'test run outside the school calendar' },
        };
  const res = await coordinator.call(api.createSession, { body });
  if (!res.ok) throw new Error(`creating the session failed: ${res.status} ${res.error.message}`);
  return res.data.sessions[0]!.id;
}

/** How far ahead a test plans a lesson that it starts with `scheduledStartNow` once everyone is in. */
export const PLANNED_LATER_MS = 5 * 60_000;

/**
 * The scheduled start arrives now. Teachers and classrooms join early (LIVE_EARLY_JOIN_MINUTES), and
 * only the scheduled window counts: a test plans its lesson for later (`startsInMs: PLANNED_LATER_MS`),
 * lets everyone join however long that takes on a busy machine, then calls this, and the window starts
 * now and lasts `durationMs`. A fixed start would have to leave the slowest machine's joining time
 * as a margin, and every run would wait it out. The product has no way to move a session that is
 * live, so this writes the database directly (its trigger moves the bookings along).
 */
export async function scheduledStartNow(platform: Pick<TestPlatform, 'database'>, sessionId: string, durationMs: number): Promise<{ startsAt: number; endsAt: number }> {
  const { db } = platform.database;
  const [planned] = await db.select({ endsAt: liveSessions.endsAt }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!planned) throw new Error(`no session ${sessionId}`);
  const startsAt = new Date(Date.now() + 1000);
  startsAt.setMilliseconds(0);
  const endsAt = new Date(startsAt.getTime() + durationMs);
  await db.update(liveSessions).set({ startsAt, endsAt }).where(eq(liveSessions.id, sessionId));
  // The planned slot is free again when this was the latest session planned.
  if (nextFreeOf.get(db) === planned.endsAt.getTime() + 1000) nextFreeOf.set(db, endsAt.getTime() + 1000);
  return { startsAt: startsAt.getTime(), endsAt: endsAt.getTime() };
}

export interface LiveSocket {
  readonly user: SignedInClient;
  readonly signaling: SignalingClient;
  /** The connection underneath (for drained()). */
  readonly socket: Socket;
  close(): void;
}

/** A signed-in account's signaling client over a real Socket.IO connection. */
export async function liveSocket(platform: TestPlatform, username: string): Promise<LiveSocket> {
  const user = await platform.signIn(username);
  const socket = io(platform.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: user.cookie }, reconnection: false, forceNew: true });
  const signaling = new SignalingClient({ socket });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { user, signaling, socket, close: () => signaling.close() };
}

export function liveService(platform: TestPlatform): LiveService {
  const s = liveServiceOf(platform.server.io);
  if (!s) throw new Error('the live feature is not running on this platform');
  return s;
}

/** Waits for one notification (rejects at a generous deadline). */
export function nextNotification<N extends NotificationName>(
  s: SignalingClient,
  name: N,
  where: (data: NotificationOf<N>) => boolean = () => true,
  timeoutMs?: number,
): Promise<NotificationOf<N>> {
  return nextEvent(`a ${name} notification`, (on: (data: NotificationOf<N>) => void) => s.on(name, on), where, timeoutMs);
}

/**
 * Waits until the server's own participation figures of a live session (open intervals
 * count until now) satisfy `done` — "keep teaching until the classrooms have received
 * for 70 %" as the server sees it, not as a clock on the test's side guesses it.
 */
export async function participationReaches(user: SignedInClient, sessionId: string, what: string, done: (p: SessionParticipation) => boolean): Promise<SessionParticipation> {
  const read = async () => {
    const r = await user.call(api.liveParticipation, { params: { sessionId } });
    if (!r.ok) throw new Error(`participation of ${sessionId}: ${r.status} ${r.error.message}`);
    return r.data;
  };
  return waitFor(what, read, done, 180_000, 500);
}

/** The member classrooms of a session (not the host's own). */
export const memberClassrooms = (p: SessionParticipation): ParticipantFigures[] => p.participants.filter((x) => x.kind === 'classroom' && !x.hostClassroom);

/** Every member classroom has received for at least `share` of the scheduled time. */
export const receivedFor = (share: number) => (p: SessionParticipation): boolean => memberClassrooms(p).length > 0 && memberClassrooms(p).every((c) => c.receivingSeconds >= share * p.plannedSeconds);

/** RTP parameters like a browser's, for producing without a browser (the worker never sees a packet). */
export function fakeRtpParameters(kind: 'audio' | 'video', ssrc: number) {
  return kind === 'video'
    ? {
        mid: String(ssrc % 100),
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }] }],
        headerExtensions: [],
        encodings: [{ ssrc }],
        rtcp: { cname: `tongbu-${ssrc}`, reducedSize: true },
      }
    : {
        mid: String(ssrc % 100),
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
        headerExtensions: [],
        encodings: [{ ssrc }],
        rtcp: { cname: `tongbu-${ssrc}`, reducedSize: true },
      };
}

export const fakeDtls = { role: 'client' as const, fingerprints: [{ algorithm: 'sha-256', value: 'A0:B1:C2:D3:E4:F5:A0:B1:C2:D3:E4:F5:A0:B1:C2:D3:E4:F5:A0:B1:C2:D3:E4:F5:A0:B1:C2:D3:E4:F5:A0:B1' }] };

/** A throwaway DATA_DIR (recordings land in it), removed by `cleanup()`. */
export function tempDataDir(): { env: { DATA_DIR: string }; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tongbu-live-data-'));
  return { env: { DATA_DIR: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Test lessons last seconds, not 40 minutes: versions of the participation rules
 * (issue #6) with second-sized thresholds, effective from yesterday (Asia/Shanghai)
 * so every session of the test platform uses them. Added through the admin API.
 */
export async function shortSessionRules(platform: Pick<TestPlatform, 'signIn'>, seconds: { classroomPresent?: number; researchSpoke?: number } = {}): Promise<void> {
  const admin = await platform.signIn('admin');
  const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 24 * 3600_000));
  const versions = [
    { ruleId: 'P-LESSON-CLASSROOM-PRESENT' as const, effectiveFrom: yesterday, minShare: 0.6, minCount: 1, marginMinutes: 10, minSeconds: seconds.classroomPresent ?? 5, description: 'test: short lessons' },
    { ruleId: 'P-RESEARCH-SCHOOLS-SPOKE' as const, effectiveFrom: yesterday, minShare: 0, minCount: 2, marginMinutes: 10, minSeconds: seconds.researchSpoke ?? 2, description: 'test: short research sessions' },
  ];
  for (const body of versions) {
    const res = await admin.call(api.addEvidenceRule, { body });
    if (!res.ok) throw new Error(`adding ${body.ruleId} failed: ${res.status} ${res.error.message}`);
  }
}

/** The signaling error a request was refused with (fails the test when it was answered). */
export async function signalingRefusal(p: Promise<unknown>): Promise<SignalingError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SignalingError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

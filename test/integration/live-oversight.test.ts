/**
 * Oversight and honest counting (issue #6) against the real mediasoup worker,
 * without a browser: patrols 巡课 are invisible and never attendance, the host's
 * "being observed" marker, unmuting restores a classroom's microphone only if
 * it had it on, raised hands and the stage become activity intervals, the
 * participation data and its REST endpoint (with scope), the patrol list, the
 * participation rules in verdicts (rule IDs in test names), rule versions.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import type { NotificationName } from '../../shared/signaling/protocol.ts';
import { liveActivityIntervals, liveEvidenceIntervals, liveRecorders } from '../../server/db/schema/index.ts';
import type { ActivitySpec, IntervalSpec } from '../../server/evidence/EvidenceRecorder.ts';
import { participationOfSessions } from '../../server/live/participationService.ts';
import { createLiveSession, fakeDtls, fakeRtpParameters, liveService, liveSocket, nextNotification, shortSessionRules, tempDataDir, type LiveSocket, signalingRefusal } from '../support/live.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/sockets.ts';
import { sleep } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let dir: DemoDirectory;
const sockets: LiveSocket[] = [];
let accounts: Record<'wang' | 'ganpu' | 'liuli' | 'li' | 'coord' | 'auditor', string>;

async function open(username: string): Promise<LiveSocket> {
  const s = await liveSocket(platform, username);
  sockets.push(s);
  return s;
}

const refusal = signalingRefusal;

/** Every notification a socket gets, by name (to prove some never came). */
function recordNotifications(s: LiveSocket, names: NotificationName[]) {
  const seen: { name: NotificationName; data: unknown }[] = [];
  for (const name of names) s.signaling.on(name, (data) => seen.push({ name, data }));
  return seen;
}

async function enter(s: LiveSocket, sessionId: string, opts: { send?: boolean } = {}) {
  const joined = await s.signaling.request('join', { sessionId });
  const recv = await s.signaling.request('createTransport', { direction: 'recv' });
  await s.signaling.request('connectTransport', { transportId: recv.id, dtlsParameters: fakeDtls });
  let sendId: string | null = null;
  if (opts.send) {
    const send = await s.signaling.request('createTransport', { direction: 'send' });
    await s.signaling.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
    sendId = send.id;
  }
  return { joined, sendId };
}

let ssrc = 5000;
const produce = (s: LiveSocket, transportId: string, source: 'camera' | 'microphone', paused = false) =>
  s.signaling.request('produce', { transportId, kind: source === 'microphone' ? 'audio' : 'video', source, rtpParameters: fakeRtpParameters(source === 'microphone' ? 'audio' : 'video', ssrc++), paused });


beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  await liveService(platform).whenReady();
  dir = await demoDirectory(platform.database.db);
  const me = async (u: string) => (await platform.signIn(u)).me.account.id;
  accounts = {
    wang: await me('teacher.wang'),
    ganpu: await me('class.ganpu'),
    liuli: await me('class.liuli'),
    li: await me('teacher.li'),
    coord: await me('coord.shiyan'),
    auditor: await me('auditor.haiyan'),
  };
  await shortSessionRules(platform, { classroomPresent: 5, researchSpoke: 60 });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('patrols 巡课', () => {
  let sessionId: string;
  let teacher: LiveSocket;
  let ganpu: LiveSocket;
  let hostPeerId: string;
  let coord: LiveSocket;
  let coordPeerId: string;
  let ganpuSeen: { name: NotificationName; data: unknown }[];

  beforeAll(async () => {
    sessionId = await createLiveSession(platform, { members: ['ganpu'] });
  });

  it('a coordinator patrols invisibly: classrooms get no peerJoined and never see it; the host sees only the marker', async () => {
    teacher = await open('teacher.wang');
    const t = await enter(teacher, sessionId, { send: true });
    hostPeerId = t.joined.peerId;
    expect(t.joined.room.patrols).toBe(0);
    await produce(teacher, t.sendId!, 'camera');
    await produce(teacher, t.sendId!, 'microphone');
    ganpu = await open('class.ganpu');
    await enter(ganpu, sessionId, { send: true });
    ganpuSeen = recordNotifications(ganpu, ['peerJoined', 'peerLeft', 'peerUpdated']);

    const marker = nextNotification(teacher.signaling, 'patrolChanged');
    coord = await open('coord.shiyan');
    const c = await enter(coord, sessionId);
    coordPeerId = c.joined.peerId;
    expect(c.joined.permissions).toEqual({ role: 'observer', publish: [], moderate: false, endSession: true });
    expect(await marker).toEqual({ patrols: 1 });
    // The patrol receives the lesson…
    const { consumers } = await coord.signaling.request('consume', { rtpCapabilities: c.joined.routerRtpCapabilities });
    expect(consumers.filter((x) => x.producerPeerId === hostPeerId).map((x) => x.source).sort()).toEqual(['camera', 'microphone']);
    // …and publishes nothing.
    expect((await refusal(coord.signaling.request('createTransport', { direction: 'send' }))).code).toBe('forbidden');
    expect((await refusal(coord.signaling.request('raiseHand', { raised: true }))).code).toBe('forbidden');

    await drained(platform.server.io, ganpu.socket);
    expect(ganpuSeen.filter((n) => JSON.stringify(n.data).includes(coordPeerId))).toEqual([]);
    // Joining again, a classroom's snapshot has no patrol in it; the host's does not either (only the count).
    const again = await ganpu.signaling.request('join', { sessionId });
    expect(again.room.peers.map((p) => p.role).sort()).toEqual(['classroom', 'host']);
    expect(again.room.patrols).toBe(0);
    const hostView = await teacher.signaling.request('join', { sessionId, resume: { peerId: hostPeerId, token: t.joined.resumeToken } });
    expect(hostView.room.peers.map((p) => p.role).sort()).toEqual(['classroom', 'host']);
    expect(hostView.room.patrols).toBe(1);
  });

  it('the host cannot act on a patrol (its peer id is unknown to the room) and the classroom terminal\'s "who is in" count leaves it out', async () => {
    expect((await refusal(teacher.signaling.request('muteClassroom', { peerId: coordPeerId, muted: true }))).code).toBe('not_found');
    expect((await refusal(teacher.signaling.request('setStage', { peerId: coordPeerId }))).code).toBe('not_found');
    const now = await (await platform.signIn('class.ganpu')).call(api.liveNow);
    expect(now.ok && now.data.find((i) => i.session.id === sessionId)?.peers).toBe(2);
  });

  it('an auditor of the county patrols too, but may not end the session', async () => {
    const marker = nextNotification(teacher.signaling, 'patrolChanged', (d) => d.patrols === 2);
    const auditor = await open('auditor.haiyan');
    const a = await enter(auditor, sessionId);
    expect(a.joined.permissions).toEqual({ role: 'observer', publish: [], moderate: false, endSession: false });
    await marker;
    expect((await refusal(auditor.signaling.request('endSession', {}))).code).toBe('forbidden');
    const left = nextNotification(teacher.signaling, 'patrolChanged', (d) => d.patrols === 1);
    await auditor.signaling.request('leave', {});
    await left;
  });

  it('the patrol list: coordinators see their communities\' live sessions, auditors their county\'s; teachers may not patrol', async () => {
    for (const who of ['coord.shiyan', 'auditor.haiyan']) {
      const user = await platform.signIn(who);
      const list = await user.call(api.livePatrol);
      expect(list.ok, who).toBe(true);
      if (!list.ok) return;
      const item = list.data.find((i) => i.session.id === sessionId);
      expect(item, who).toMatchObject({ communityName: expect.stringContaining('实验小学'), hostTeacherName: '王丽华', plannedClassrooms: 2, present: { teachers: 1, classrooms: 1 } });
    }
    const other = await platform.signIn('coord.xiangyang');
    const none = await other.call(api.livePatrol);
    expect(none.ok && none.data.filter((i) => i.session.id === sessionId)).toEqual([]);
    expect((await (await platform.signIn('teacher.wang')).call(api.livePatrol)).status).toBe(403);
  });

  it('patrols leave no evidence: nothing is written for them, and the database refuses it', async () => {
    const patrolLeft = nextNotification(teacher.signaling, 'patrolChanged', (d) => d.patrols === 0);
    await coord.signaling.request('leave', {});
    await patrolLeft;
    await drained(platform.server.io, ganpu.socket);
    expect(ganpuSeen.filter((n) => JSON.stringify(n.data).includes(coordPeerId))).toEqual([]);
    await liveService(platform).evidence.flush();
    const db = platform.database.db;
    const theirs = await db.select().from(liveEvidenceIntervals).where(sql`${liveEvidenceIntervals.accountId} in (${accounts.coord}, ${accounts.auditor})`);
    expect(theirs).toEqual([]);
    const [recorder] = await db.select().from(liveRecorders).limit(1);
    const refused = await db
      .insert(liveEvidenceIntervals)
      .values({ sessionId, recorderId: recorder!.id, kind: 'connected', role: 'observer', accountId: accounts.coord, peerId: 'patrol', direction: 'recv', mediaId: 'patrol-transport', startedAt: new Date() })
      .then(() => null, (e: unknown) => e);
    expect(String((refused as { cause?: unknown })?.cause ?? refused)).toMatch(/patrols \(observers\) leave no evidence/);
  });

  it('LIVE_PATROL_MARKER=0: the host is not told', async () => {
    const config = liveService(platform).config.live as { patrolMarker: boolean };
    const other = await createLiveSession(platform, { members: ['liuli'] });
    config.patrolMarker = false;
    try {
      const host = await open('teacher.wang');
      await host.signaling.request('join', { sessionId: other });
      const told = recordNotifications(host, ['patrolChanged']);
      const c = await open('coord.shiyan');
      await c.signaling.request('join', { sessionId: other });
      await drained(platform.server.io, host.socket);
      expect(told).toEqual([]);
      const again = await host.signaling.request('join', { sessionId: other });
      expect(again.room.patrols).toBe(0);
      await host.signaling.request('endSession', {});
    } finally {
      config.patrolMarker = true;
    }
  });
});

describe('muting and unmuting a classroom', () => {
  let sessionId: string;
  let teacher: LiveSocket;
  let ganpu: LiveSocket;
  let ganpuPeerId: string;
  let sendId: string;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform, { members: ['ganpu'] });
    teacher = await open('teacher.wang');
    await enter(teacher, sessionId, { send: true });
    ganpu = await open('class.ganpu');
    const g = await enter(ganpu, sessionId, { send: true });
    ganpuPeerId = g.joined.peerId;
    sendId = g.sendId!;
  });

  const micPaused = () => {
    const room = liveService(platform).rooms.get(sessionId)!;
    return room.mediaPeer(room.participants.get(ganpuPeerId)!).producerOf('microphone')!.paused;
  };

  it('mute pauses the classroom\'s microphone at the server and tells it; unmute gives it back because it had it on', async () => {
    const mic = await produce(ganpu, sendId, 'microphone');
    expect(micPaused()).toBe(false);
    const muted = nextNotification(ganpu.signaling, 'mutedByHost', (d) => d.muted);
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: true });
    expect(await muted).toEqual({ muted: true });
    expect(micPaused()).toBe(true);
    expect((await refusal(ganpu.signaling.request('resumeProducer', { producerId: mic.producerId }))).code).toBe('muted_by_host');
    const unmuted = nextNotification(ganpu.signaling, 'mutedByHost', (d) => !d.muted);
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: false });
    expect(await unmuted).toEqual({ muted: false, resumed: true });
    expect(micPaused()).toBe(false);
  });

  it('unmute leaves the microphone off when the classroom had it off (before the mute, or turned it off while muted)', async () => {
    const mic = liveService(platform).rooms.get(sessionId)!.mediaPeer(liveService(platform).rooms.get(sessionId)!.participants.get(ganpuPeerId)!).producerOf('microphone')!;
    // Off before the mute.
    await ganpu.signaling.request('pauseProducer', { producerId: mic.id });
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: true });
    let unmuted = nextNotification(ganpu.signaling, 'mutedByHost', (d) => !d.muted);
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: false });
    expect(await unmuted).toEqual({ muted: false, resumed: false });
    expect(micPaused()).toBe(true);
    // On, muted, then turned off by the classroom while muted.
    await ganpu.signaling.request('resumeProducer', { producerId: mic.id });
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: true });
    await ganpu.signaling.request('pauseProducer', { producerId: mic.id });
    unmuted = nextNotification(ganpu.signaling, 'mutedByHost', (d) => !d.muted);
    await teacher.signaling.request('muteClassroom', { peerId: ganpuPeerId, muted: false });
    expect(await unmuted).toEqual({ muted: false, resumed: false });
    expect(micPaused()).toBe(true);
  });

  it('raised hands and the stage are recorded as activity intervals; the participation data counts them', async () => {
    await ganpu.signaling.request('raiseHand', { raised: true });
    await sleep(200); // a hand raised for a while: its interval has a length
    await teacher.signaling.request('lowerHand', { peerId: ganpuPeerId });
    await ganpu.signaling.request('raiseHand', { raised: true });
    await ganpu.signaling.request('raiseHand', { raised: false });
    // The stage was surely on between the two answers, and at most from the first request to the last answer.
    const stageAsked = Date.now();
    await teacher.signaling.request('setStage', { peerId: ganpuPeerId });
    const staged = Date.now();
    await sleep(1200);
    const unstageAsked = Date.now();
    await teacher.signaling.request('setStage', { peerId: null });
    const unstaged = Date.now();
    await teacher.signaling.request('endSession', {});
    const rows = await platform.database.db.select().from(liveActivityIntervals).where(eq(liveActivityIntervals.sessionId, sessionId));
    expect(rows.map((r) => r.kind).sort()).toEqual(['hand', 'hand', 'stage']);
    expect(rows.every((r) => r.endedAt !== null && r.role === 'classroom' && r.accountId === accounts.ganpu)).toBe(true);

    const coordinator = await platform.signIn('coord.shiyan');
    const p = await coordinator.call(api.liveParticipation, { params: { sessionId } });
    if (!p.ok) throw new Error(p.error.message);
    const g = p.data.participants.find((x) => x.kind === 'classroom' && !x.hostClassroom)!;
    expect(g).toMatchObject({ name: '三年级(1)班', schoolName: '海盐县澉浦小学', handRaises: 2, visits: 1 });
    // Rounding to a tenth of a second at most.
    expect(g.stageSeconds).toBeGreaterThanOrEqual((unstageAsked - staged) / 1000 - 0.1);
    expect(g.stageSeconds).toBeLessThanOrEqual((unstaged - stageAsked) / 1000 + 0.1);
    // No packet ever flowed (fake DTLS): no media evidence, the lesson is missed and every failing rule is named.
    expect(p.data.final).toBe(true);
    expect(p.data.verdict?.status).toBe('missed');
    expect(p.data.verdict?.outcomes.map((o) => o.ruleId)).toEqual(['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED', 'P-LESSON-TEACHER-AV', 'P-LESSON-CLASSROOM-PRESENT']);
  });
});

describe('participation data and verdicts from the intervals', () => {
  const ganpuRoom = () => dir.classroom('海盐县澉浦小学', '三年级(1)班');

  async function goLive(sessionId: string) {
    await liveService(platform).directory.transition(sessionId, 'live', null, { actorAccountId: accounts.wang });
  }

  /** Writes what the media plane (and the room) would have reported, at fractions of the scheduled time. */
  async function script(sessionId: string, parts: { who: 'wang' | 'li' | 'ganpu'; kind: IntervalSpec['kind'] | ActivitySpec['kind']; direction?: 'send' | 'recv'; source?: 'camera' | 'microphone'; from: number; to: number }[]) {
    const service = liveService(platform);
    const s = await service.directory.get(sessionId);
    const at = (f: number) => new Date(s!.startsAt.getTime() + f * (s!.endsAt.getTime() - s!.startsAt.getTime()));
    const ev = service.evidence;
    const ids = {
      wang: { role: 'host' as const, accountId: accounts.wang, teacherId: dir.teacher('王丽华'), classroomId: null },
      li: { role: 'teacher' as const, accountId: accounts.li, teacherId: dir.teacher('李春燕'), classroomId: null },
      ganpu: { role: 'classroom' as const, accountId: accounts.ganpu, teacherId: null, classroomId: ganpuRoom() },
    };
    let n = 0;
    for (const p of parts) {
      const who = { sessionId, ...ids[p.who], peerId: `${p.who}-${sessionId}` };
      if (p.kind === 'speaking' || p.kind === 'hand' || p.kind === 'stage') {
        ev.openActivity({ ...who, kind: p.kind, at: at(p.from) });
        ev.closeActivity(p.kind, who.peerId, at(p.to), 'stopped');
        continue;
      }
      const mediaId = `${sessionId}-${n++}`;
      const from = p.kind === 'receiving' ? { peerId: `wang-${sessionId}`, accountId: accounts.wang, role: 'host' as const } : undefined;
      ev.open({ ...who, kind: p.kind, mediaId, at: at(p.from), ...(p.direction ? { direction: p.direction } : {}), ...(p.source ? { source: p.source } : {}), ...(from ? { from } : {}) });
      ev.close(p.kind, mediaId, at(p.to), 'stopped');
    }
    await ev.flush();
  }

  const teacherTaught = [
    { who: 'wang' as const, kind: 'connected' as const, direction: 'send' as const, from: 0, to: 1 },
    { who: 'wang' as const, kind: 'publishing' as const, source: 'camera' as const, from: 0, to: 1 },
    { who: 'wang' as const, kind: 'publishing' as const, source: 'microphone' as const, from: 0, to: 1 },
  ];
  const ganpuWatched = [
    { who: 'ganpu' as const, kind: 'connected' as const, direction: 'recv' as const, from: 0, to: 0.9 },
    { who: 'ganpu' as const, kind: 'receiving' as const, source: 'camera' as const, from: 0, to: 0.9 },
    { who: 'ganpu' as const, kind: 'receiving' as const, source: 'microphone' as const, from: 0, to: 0.9 },
  ];

  it('P-LESSON-CLASSROOM-PRESENT: a classroom connected with camera and microphone off for the whole lesson does not make it count (the failing rule and its figures are on the session)', async () => {
    const sessionId = await createLiveSession(platform, { members: ['ganpu'] });
    await goLive(sessionId);
    await script(sessionId, [...teacherTaught, ...ganpuWatched]);
    const verdict = await liveService(platform).endSession(sessionId, 'host', { accountId: accounts.wang });
    expect(verdict.status).toBe('missed');
    // The media flowed (evidence rules pass); nobody was there to see (participation rule fails).
    expect(verdict.outcomes.map((o) => [o.ruleId, o.passed])).toEqual([
      ['E-TEACHER-PUBLISHED', true],
      ['E-CLASSROOM-RECEIVED', true],
      ['P-LESSON-TEACHER-AV', true],
      ['P-LESSON-CLASSROOM-PRESENT', false],
    ]);
    expect(verdict.reason).toMatch(/^P-LESSON-CLASSROOM-PRESENT: 0 of 1 member classrooms .*三年级\(1\)班: received 90%, seen or heard 0 s/);
    const coordinator = await platform.signIn('coord.shiyan');
    const s = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(s.ok && [s.data.status, s.data.statusReason]).toEqual(['missed', verdict.reason]);
    // Per classroom, for the quota tracker's member-school participation: it did not take part by the rule.
    const [p] = await participationOfSessions(platform.database.db, [sessionId]);
    expect(p!.participants.find((x) => x.classroomId === ganpuRoom())).toMatchObject({ receivingSeconds: 54, cameraSeconds: 0, present: false });
    expect(p!.participants.find((x) => x.role === 'host')!.present).toBeNull();
  });

  it('P-LESSON-CLASSROOM-PRESENT: the same lesson with the classroom\'s camera on counts; its figures are exact', async () => {
    const sessionId = await createLiveSession(platform, { members: ['ganpu'], durationMs: 60_000 });
    await goLive(sessionId);
    await script(sessionId, [
      ...teacherTaught,
      ...ganpuWatched,
      { who: 'ganpu', kind: 'connected', direction: 'send', from: 0.1, to: 0.9 },
      { who: 'ganpu', kind: 'publishing', source: 'camera', from: 0.1, to: 0.5 },
      { who: 'ganpu', kind: 'publishing', source: 'microphone', from: 0.2, to: 0.4 },
      { who: 'ganpu', kind: 'speaking', from: 0.25, to: 0.3 },
      { who: 'ganpu', kind: 'hand', from: 0.3, to: 0.35 },
      { who: 'ganpu', kind: 'stage', from: 0.35, to: 0.45 },
    ]);
    const verdict = await liveService(platform).endSession(sessionId, 'host', { accountId: accounts.wang });
    expect(verdict.status).toBe('delivered');
    const [p] = await participationOfSessions(platform.database.db, [sessionId]);
    const g = p!.participants.find((x) => x.classroomId === ganpuRoom())!;
    expect(g).toMatchObject({ connectedSeconds: 54, receivingSeconds: 54, cameraSeconds: 24, microphoneSeconds: 12, speakingSeconds: 3, handRaises: 1, stageSeconds: 6, visits: 1, present: true });
    expect(p!.participants.find((x) => x.role === 'host')).toMatchObject({ name: '王丽华', cameraSeconds: 60, microphoneSeconds: 60 });
    expect(p!.verdict?.outcomes.find((o) => o.ruleId === 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: true, measuredSeconds: 24, requiredSeconds: 5 });
  });

  it('P-RESEARCH-SCHOOLS-SPOKE: a research session where only one school spoke does not count; with both schools it does', async () => {
    const research = async (liSpokeFor: number) => {
      const sessionId = await createLiveSession(platform, { kind: 'online_research', durationMs: 120_000 });
      await goLive(sessionId);
      const sends = (who: 'wang' | 'li') => [
        { who, kind: 'connected' as const, direction: 'send' as const, from: 0, to: 1 },
        { who, kind: 'connected' as const, direction: 'recv' as const, from: 0, to: 1 },
        { who, kind: 'publishing' as const, source: 'microphone' as const, from: 0, to: 1 },
        { who, kind: 'receiving' as const, source: 'microphone' as const, from: 0, to: 1 },
      ];
      await script(sessionId, [...sends('wang'), ...sends('li'), { who: 'wang', kind: 'speaking', from: 0, to: 0.6 }, ...(liSpokeFor > 0 ? [{ who: 'li' as const, kind: 'speaking' as const, from: 0.4, to: 0.4 + liSpokeFor }] : [])]);
      return liveService(platform).endSession(sessionId, 'host', { accountId: accounts.wang });
    };
    const oneSchool = await research(0);
    expect(oneSchool.status).toBe('missed');
    expect(oneSchool.outcomes.filter((o) => !o.passed).map((o) => o.ruleId)).toEqual(['P-RESEARCH-SCHOOLS-SPOKE']);
    expect(oneSchool.reason).toMatch(/^P-RESEARCH-SCHOOLS-SPOKE: teachers of 1 of 2 schools spoke for at least 1 min \(needs 2\): 王丽华 1 min 12 s; 李春燕 0 s/);
    const both = await research(0.55);
    expect(both.status).toBe('delivered');
  });

  it('who reads participation: the session\'s teachers, the community\'s coordinators, the county\'s auditors, admins; nobody else (404)', async () => {
    const sessionId = await createLiveSession(platform, { members: ['ganpu'] });
    for (const [who, status] of [['teacher.wang', 200], ['coord.shiyan', 200], ['auditor.haiyan', 200], ['admin', 200], ['class.ganpu', 404], ['teacher.li', 404], ['coord.xiangyang', 404]] as const) {
      const user = await platform.signIn(who);
      const res = await user.call(api.liveParticipation, { params: { sessionId } });
      expect(res.status, who).toBe(status);
      if (res.ok) expect(res.data).toMatchObject({ final: false, verdict: null, participants: expect.arrayContaining([expect.objectContaining({ role: 'host', joinedAt: null })]) });
    }
  });

  it('after a crash, activity intervals left open are closed at the dead server\'s last heartbeat too', async () => {
    const sessionId = await createLiveSession(platform, { members: ['ganpu'] });
    const db = platform.database.db;
    const lastBeat = new Date(Date.now() - 10 * 60_000);
    const [dead] = await db.insert(liveRecorders).values({ host: 'crashed-host', pid: 4243, startedAt: new Date(lastBeat.getTime() - 3600_000), heartbeatAt: lastBeat }).returning();
    await db.insert(liveActivityIntervals).values({ sessionId, recorderId: dead!.id, kind: 'hand', role: 'classroom', accountId: accounts.ganpu, classroomId: ganpuRoom(), peerId: 'crashed-hand', startedAt: new Date(lastBeat.getTime() - 60_000) });
    expect(await liveService(platform).evidence.recoverStale()).toBe(1);
    const [row] = await db.select().from(liveActivityIntervals).where(eq(liveActivityIntervals.peerId, 'crashed-hand'));
    expect(row).toMatchObject({ endReason: 'crash_recovered', endedAt: lastBeat });
    // Append-only like the evidence.
    await expect(db.update(liveActivityIntervals).set({ kind: 'stage' }).where(eq(liveActivityIntervals.id, row!.id))).rejects.toThrow();
    await expect(db.delete(liveActivityIntervals).where(eq(liveActivityIntervals.id, row!.id))).rejects.toThrow();
  });
});

describe('rule versions (admin)', () => {
  it('P-LESSON-CLASSROOM-PRESENT: the participation rules are listed with their thresholds; an admin adds a version for a year, nobody else may', async () => {
    const teacher = await platform.signIn('teacher.wang');
    const list = await teacher.call(api.listEvidenceRules);
    if (!list.ok) throw new Error(list.error.message);
    expect(list.data.find((r) => r.ruleId === 'P-LESSON-CLASSROOM-PRESENT' && r.effectiveFrom === '2025-09-01')).toMatchObject({ minShare: 0.6, minCount: 1, minSeconds: 300 });
    expect(list.data.find((r) => r.ruleId === 'P-RESEARCH-SCHOOLS-SPOKE' && r.effectiveFrom === '2025-09-01')).toMatchObject({ minCount: 2, minSeconds: 120 });
    expect(list.data.find((r) => r.ruleId === 'P-LESSON-TEACHER-AV')).toMatchObject({ minShare: 0.6, minSeconds: 0 });
    const body = { ruleId: 'P-LESSON-CLASSROOM-PRESENT' as const, effectiveFrom: '2027-09-01', minShare: 0.7, minCount: 1, marginMinutes: 10, minSeconds: 600, description: '2027–2028: ten minutes seen or heard' };
    expect((await teacher.call(api.addEvidenceRule, { body })).status).toBe(403);
    const admin = await platform.signIn('admin');
    expect((await admin.call(api.addEvidenceRule, { body })).status).toBe(201);
    const bad = await admin.call(api.addEvidenceRule, { body: { ...body, effectiveFrom: '2028-09-01', minSeconds: -1 } });
    expect(bad.status).toBe(400);
  });
});

/**
 * Live-classroom signaling against the real mediasoup worker, over a real
 * socket.io-client: who may join, who may publish what (refusals carry clear
 * errors), stage and mute, resume after a dropped socket, and ending a session.
 * No browser: producers get browser-like RTP parameters and no packets, so the
 * evidence stays empty and the lesson ends as missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import type { ResponseOf } from '../../shared/signaling/protocol.ts';
import { createLiveSession, fakeDtls, fakeRtpParameters, liveSocket, nextNotification, tempDataDir, type LiveSocket, signalingRefusal } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
const sockets: LiveSocket[] = [];

async function open(username: string): Promise<LiveSocket> {
  const s = await liveSocket(platform, username);
  sockets.push(s);
  return s;
}

const refusal = signalingRefusal;

/** join + send and receive transports (connected with fake DTLS parameters: no packet ever flows). */
async function enter(s: LiveSocket, sessionId: string, opts: { send?: boolean } = {}) {
  const joined = await s.signaling.request('join', { sessionId });
  const recv = await s.signaling.request('createTransport', { direction: 'recv' });
  await s.signaling.request('connectTransport', { transportId: recv.id, dtlsParameters: fakeDtls });
  let send: ResponseOf<'createTransport'> | null = null;
  if (opts.send) {
    send = await s.signaling.request('createTransport', { direction: 'send' });
    await s.signaling.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
  }
  return { joined, recv, send };
}

let ssrc = 1000;
const produce = (s: LiveSocket, transportId: string, source: 'camera' | 'microphone' | 'screen') =>
  s.signaling.request('produce', { transportId, kind: source === 'microphone' ? 'audio' : 'video', source, rtpParameters: fakeRtpParameters(source === 'microphone' ? 'audio' : 'video', ssrc++) });

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('joining a lesson', () => {
  let sessionId: string;
  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
  });

  it('a classroom cannot join before the teacher goes live', async () => {
    const c = await open('class.ganpu');
    const err = await refusal(c.signaling.request('join', { sessionId }));
    expect(err.code).toBe('not_live');
    expect(err.message).toMatch(/teacher has not gone live/);
  });

  it('people outside the session are refused: a teacher of the community (403), an admin (403), another community\'s coordinator (404); a patrol waits for the lesson to go live', async () => {
    const li = await open('teacher.li');
    expect(await refusal(li.signaling.request('join', { sessionId }))).toMatchObject({ code: 'forbidden', message: 'You are not a participant of this session' });
    const admin = await open('admin');
    expect((await refusal(admin.signaling.request('join', { sessionId }))).code).toBe('forbidden');
    // The county's auditor may patrol (issue #6), but only a live session.
    const auditor = await open('auditor.haiyan');
    expect((await refusal(auditor.signaling.request('join', { sessionId }))).code).toBe('not_live');
    const other = await open('coord.xiangyang');
    expect(await refusal(other.signaling.request('join', { sessionId }))).toMatchObject({ code: 'not_found', message: 'Session not found' });
  });

  it('requests before join and malformed requests are refused with what is wrong', async () => {
    const c = await open('class.liuli');
    expect(await refusal(c.signaling.request('createTransport', { direction: 'recv' }))).toMatchObject({ code: 'not_joined' });
    const raw = await c.signaling.socket.timeout(5000).emitWithAck('live:join', { sessionId: 'not-a-uuid' });
    expect(raw).toEqual({ error: { code: 'validation', message: expect.stringContaining('sessionId') } });
  });

  // Shared by the steps below.
  let teacher: LiveSocket;
  let t: Awaited<ReturnType<typeof enter>>;
  let ganpu: LiveSocket;
  let g: Awaited<ReturnType<typeof enter>>;
  let liuli: LiveSocket;

  it('the host teacher goes live; classrooms then join and receive the teacher', async () => {
    teacher = await open('teacher.wang');
    t = await enter(teacher, sessionId, { send: true });
    expect(t.joined.permissions).toEqual({ role: 'host', publish: ['camera', 'microphone', 'screen', 'screen-audio'], moderate: true, endSession: true });
    expect(t.joined.session.status).toBe('live');
    expect(t.joined.routerRtpCapabilities.codecs?.some((c) => c.mimeType === 'video/VP8')).toBe(true);
    const coordinator = await platform.signIn('coord.shiyan');
    const s = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(s.ok && s.data.status).toBe('live');

    const cam = await produce(teacher, t.send!.id, 'camera');
    await produce(teacher, t.send!.id, 'microphone');

    ganpu = await open('class.ganpu');
    g = await enter(ganpu, sessionId, { send: true });
    expect(g.joined.permissions.publish).toEqual(['camera', 'microphone']);
    expect(g.joined.room.peers.map((p) => p.role).sort()).toEqual(['classroom', 'host']);
    const { consumers } = await ganpu.signaling.request('consume', { rtpCapabilities: g.joined.routerRtpCapabilities });
    expect(consumers.map((c) => c.source).sort()).toEqual(['camera', 'microphone']);
    expect(consumers.find((c) => c.source === 'camera')).toMatchObject({ producerId: cam.producerId, producerPeerId: t.joined.peerId, type: 'simple' });
    for (const c of consumers) await ganpu.signaling.request('resumeConsumer', { consumerId: c.id });

    // The teacher receives the classroom as soon as it publishes.
    await teacher.signaling.request('consume', { rtpCapabilities: t.joined.routerRtpCapabilities });
    const pushed = nextNotification(teacher.signaling, 'newConsumer', (c) => c.producerPeerId === g.joined.peerId && c.source === 'camera');
    await produce(ganpu, g.send!.id, 'camera');
    expect((await pushed).source).toBe('camera');
  });

  it('a classroom may not share its screen, put itself on stage or end the lesson', async () => {
    expect(await refusal(produce(ganpu, g.send!.id, 'screen'))).toMatchObject({ code: 'forbidden', message: 'A classroom publishes only its camera and microphone, not screen' });
    expect(await refusal(ganpu.signaling.request('setStage', { peerId: g.joined.peerId }))).toMatchObject({ code: 'forbidden', message: 'Only the teacher hosting the session may do this' });
    expect((await refusal(ganpu.signaling.request('endSession', {}))).code).toBe('forbidden');
    // One producer per source.
    expect((await refusal(produce(ganpu, g.send!.id, 'camera'))).code).toBe('conflict');
  });

  it('stage: other classrooms receive the classroom on stage, and stop when it leaves the stage', async () => {
    liuli = await open('class.liuli');
    const l = await enter(liuli, sessionId, { send: true });
    const { consumers } = await liuli.signaling.request('consume', { rtpCapabilities: l.joined.routerRtpCapabilities });
    expect(consumers.filter((c) => c.producerPeerId === g.joined.peerId)).toEqual([]);

    const staged = nextNotification(liuli.signaling, 'stageChanged');
    const got = nextNotification(liuli.signaling, 'newConsumer', (c) => c.producerPeerId === g.joined.peerId && c.source === 'camera');
    await teacher.signaling.request('setStage', { peerId: g.joined.peerId });
    expect(await staged).toEqual({ peerId: g.joined.peerId });
    const consumer = await got;

    const dropped = nextNotification(liuli.signaling, 'consumerClosed', (c) => c.consumerId === consumer.id);
    await teacher.signaling.request('setStage', { peerId: null });
    await dropped;
  });

  it('mute: the host mutes a classroom, which cannot unmute itself until allowed', async () => {
    const mic = await produce(ganpu, g.send!.id, 'microphone');
    const told = nextNotification(ganpu.signaling, 'mutedByHost');
    await teacher.signaling.request('muteClassroom', { peerId: g.joined.peerId, muted: true });
    expect(await told).toEqual({ muted: true });
    expect(await refusal(ganpu.signaling.request('resumeProducer', { producerId: mic.producerId }))).toMatchObject({ code: 'muted_by_host' });
    // The mute belongs to the classroom, not to its connection: joining again does not escape it.
    const again = await ganpu.signaling.request('join', { sessionId });
    expect(again.room.peers.find((p) => p.peerId === again.peerId)?.mutedByHost).toBe(true);
    await teacher.signaling.request('muteClassroom', { peerId: again.peerId, muted: false });
  });

  it('a dropped socket resumes its participant (same peer, transports and producers held)', async () => {
    const cam = t.joined && (await teacher.signaling.request('join', { sessionId, resume: { peerId: t.joined.peerId, token: t.joined.resumeToken } }));
    expect(cam.resumed).toBe(true);
    const held = cam.held.producers.map((p) => p.source).sort();
    expect(held).toEqual(['camera', 'microphone']);
    teacher.close();

    teacher = await open('teacher.wang');
    const resumed = await teacher.signaling.request('join', { sessionId, resume: { peerId: t.joined.peerId, token: t.joined.resumeToken } });
    expect(resumed.resumed).toBe(true);
    expect(resumed.peerId).toBe(t.joined.peerId);
    expect(resumed.held.transportIds.sort()).toEqual([t.recv.id, t.send!.id].sort());
    expect(resumed.held.producers.map((p) => p.source).sort()).toEqual(['camera', 'microphone']);

    // A wrong token is a fresh join (a new peer that replaces the old one), never someone else's peer.
    const other = await open('teacher.wang');
    const fresh = await other.signaling.request('join', { sessionId, resume: { peerId: t.joined.peerId, token: 'x'.repeat(32) } });
    expect(fresh.resumed).toBe(false);
    expect(fresh.peerId).not.toBe(t.joined.peerId);
    teacher = other;
  });

  it('the host ends the lesson: no media flowed, so it is missed, and everyone is told', async () => {
    const told = nextNotification(liuli.signaling, 'sessionEnded');
    const verdict = await teacher.signaling.request('endSession', {});
    expect(verdict.status).toBe('missed');
    expect(verdict.reason).toContain('E-TEACHER-PUBLISHED');
    expect(verdict.reason).toContain('E-CLASSROOM-RECEIVED');
    expect(await told).toEqual(verdict);

    const coordinator = await platform.signIn('coord.shiyan');
    const s = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(s.ok && s.data.status).toBe('missed');
    const late = await open('class.ganpu');
    expect(await refusal(late.signaling.request('join', { sessionId }))).toMatchObject({ code: 'not_live', message: 'The session has ended (missed)' });
  });
});

describe('modes and roles', () => {
  it('master-teacher lesson (名师课堂): classrooms only receive (no send transport)', async () => {
    const sessionId = await createLiveSession(platform, { mode: 'master', members: ['ganpu'] });
    const teacher = await open('teacher.wang');
    await teacher.signaling.request('join', { sessionId });
    const ganpu = await open('class.ganpu');
    const joined = await ganpu.signaling.request('join', { sessionId });
    expect(joined.permissions.publish).toEqual([]);
    expect(await refusal(ganpu.signaling.request('createTransport', { direction: 'send' }))).toMatchObject({ code: 'forbidden', message: 'You receive only in this session: no send transport' });
    await teacher.signaling.request('endSession', {});
  });

  it('research session: the invited teacher publishes camera, microphone and screen; the coordinator observes and may end it', async () => {
    const sessionId = await createLiveSession(platform, { kind: 'online_research' });
    const host = await open('teacher.wang');
    await host.signaling.request('join', { sessionId });
    const li = await open('teacher.li');
    const l = await enter(li, sessionId, { send: true });
    expect(l.joined.permissions).toMatchObject({ role: 'teacher', moderate: false });
    for (const source of ['camera', 'microphone', 'screen'] as const) await produce(li, l.send!.id, source);

    const coord = await open('coord.shiyan');
    const c = await enter(coord, sessionId);
    expect(c.joined.permissions).toEqual({ role: 'observer', publish: [], moderate: false, endSession: true });
    const { consumers } = await coord.signaling.request('consume', { rtpCapabilities: c.joined.routerRtpCapabilities });
    expect(consumers.map((x) => x.source).sort()).toEqual(['camera', 'microphone', 'screen']);
    expect((await refusal(coord.signaling.request('createTransport', { direction: 'send' }))).code).toBe('forbidden');

    const verdict = await coord.signaling.request('endSession', {});
    expect(verdict.status).toBe('missed');
    expect(verdict.reason).toContain('E-RESEARCH-PARTICIPANTS');
  });

  it('only the host can take a scheduled session live, and not long before it starts', async () => {
    const sessionId = await createLiveSession(platform, { startsInMs: 3 * 3600_000, members: ['liuli'] });
    const teacher = await open('teacher.wang');
    expect(await refusal(teacher.signaling.request('join', { sessionId }))).toMatchObject({ code: 'not_live', message: expect.stringMatching(/^Too early/) });
  });
});

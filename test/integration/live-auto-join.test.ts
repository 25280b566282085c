/**
 * The page's join over real Socket.IO against the real mediasoup worker (rules in
 * server/live/README.md, "Joining from the page"): a join the page makes by itself (`auto`)
 * never takes a session live and sends a teacher to the pre-join check; a join opens its
 * transports with it (a send transport only for one who may publish), and they work as
 * createTransport's do (connect, produce, consume); a resumed join opens none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { createLiveSession, fakeDtls, fakeRtpParameters, liveService, liveSocket, signalingRefusal, tempDataDir, type LiveSocket } from '../support/live.ts';
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

const statusOf = async (sessionId: string) => (await liveService(platform).directory.get(sessionId))?.status;

describe('the page joins by itself (auto)', () => {
  let sessionId: string;
  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
  });

  it('LIVE-AUTO-JOIN: the host teacher\'s own join is sent to the pre-join check; the lesson stays scheduled and no room opens', async () => {
    const teacher = await open('teacher.wang');
    const err = await signalingRefusal(teacher.signaling.request('join', { sessionId, auto: true, transports: ['recv', 'send'] }));
    expect(err.code).toBe('prejoin');
    expect(err.message).toMatch(/pre-join check/);
    expect(await statusOf(sessionId)).toBe('scheduled');
    expect(liveService(platform).rooms.has(sessionId)).toBe(false);
  });

  it('LIVE-AUTO-JOIN: a classroom terminal\'s own join before the teacher went live waits (not_live)', async () => {
    const ganpu = await open('class.ganpu');
    expect((await signalingRefusal(ganpu.signaling.request('join', { sessionId, auto: true }))).code).toBe('not_live');
  });

  it('LIVE-AUTO-JOIN: an invited teacher\'s own join is sent to the pre-join check too', async () => {
    const research = await createLiveSession(platform, { kind: 'online_research' });
    const li = await open('teacher.li');
    expect((await signalingRefusal(li.signaling.request('join', { sessionId: research, auto: true }))).code).toBe('prejoin');
  });
});

describe('transports opened with the join', () => {
  let sessionId: string;
  let teacher: LiveSocket;
  let cameraId: string;
  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
  });

  it('LIVE-AUTO-JOIN: the host\'s join after the check takes the lesson live and opens both transports; the send one produces', async () => {
    teacher = await open('teacher.wang');
    const joined = await teacher.signaling.request('join', { sessionId, transports: ['recv', 'send'] });
    expect(joined.session.status).toBe('live');
    expect(await statusOf(sessionId)).toBe('live');
    const { send, recv } = joined.transports;
    expect(send?.id).toBeTruthy();
    expect(recv?.id).toBeTruthy();
    expect(send!.id).not.toBe(recv!.id);
    expect(send!.iceCandidates.length).toBeGreaterThan(0);
    await teacher.signaling.request('connectTransport', { transportId: send!.id, dtlsParameters: fakeDtls });
    cameraId = (await teacher.signaling.request('produce', { transportId: send!.id, kind: 'video', source: 'camera', rtpParameters: fakeRtpParameters('video', 4100) })).producerId;
  });

  it('LIVE-AUTO-JOIN: a classroom terminal\'s own join of the live lesson opens both; it consumes on the receive one without createTransport', async () => {
    const ganpu = await open('class.ganpu');
    const joined = await ganpu.signaling.request('join', { sessionId, auto: true, transports: ['recv', 'send'] });
    expect(joined.permissions.role).toBe('classroom');
    expect(Object.keys(joined.transports).sort()).toEqual(['recv', 'send']);
    const { consumers } = await ganpu.signaling.request('consume', { rtpCapabilities: joined.routerRtpCapabilities });
    expect(consumers.find((c) => c.source === 'camera')).toMatchObject({ producerId: cameraId, producerPeerId: expect.any(String) });
    await ganpu.signaling.request('resumeConsumer', { consumerId: consumers[0]!.id });
  });

  it('LIVE-AUTO-JOIN: a patrol, who publishes nothing, gets a receive transport only', async () => {
    const coord = await open('coord.shiyan');
    const joined = await coord.signaling.request('join', { sessionId, auto: true, transports: ['recv', 'send'] });
    expect(joined.permissions.role).toBe('observer');
    expect(joined.transports.recv?.id).toBeTruthy();
    expect(joined.transports.send).toBeUndefined();
    expect((await coord.signaling.request('consume', { rtpCapabilities: joined.routerRtpCapabilities })).consumers.some((c) => c.producerId === cameraId)).toBe(true);
  });

  it('LIVE-AUTO-JOIN: a join without `transports` opens none (createTransport as before), and a resumed join opens none', async () => {
    const liuli = await open('class.liuli');
    const plain = await liuli.signaling.request('join', { sessionId, auto: true });
    expect(plain.transports).toEqual({});
    const recv = await liuli.signaling.request('createTransport', { direction: 'recv' });
    liuli.close();
    const again = await open('class.liuli');
    const resumed = await again.signaling.request('join', { sessionId, auto: true, resume: { peerId: plain.peerId, token: plain.resumeToken }, transports: ['recv', 'send'] });
    expect(resumed.resumed).toBe(true);
    expect(resumed.held.transportIds).toEqual([recv.id]);
    expect(resumed.transports).toEqual({});
  });

  it('LIVE-AUTO-JOIN: a teacher already in the live lesson is still sent to the pre-join check by the page\'s own join (its reload joins with the choice it made)', async () => {
    const other = await open('teacher.wang');
    expect((await signalingRefusal(other.signaling.request('join', { sessionId, auto: true }))).code).toBe('prejoin');
    // The refusal took nothing from the host in the room.
    expect([...liveService(platform).rooms.get(sessionId)!.participants.values()].some((p) => p.role === 'host')).toBe(true);
  });
});

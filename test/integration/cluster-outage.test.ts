/**
 * The cluster when its shared state fails (server/cluster/SPEC.md): two nodes that both
 * believe they host a lesson, and Redis gone and back. The test runs its own Redis
 * server on a free loopback port, so it can stop it without touching anyone else's.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingError } from '../../shared/signaling/protocol.ts';
import { consumeAll, enterLesson, startTwoNodes, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, fakeDtls, fakeRtpParameters, nextNotification, signalingRefusal } from '../support/live.ts';
import { ownRedis, type OwnRedis } from '../support/redisServer.ts';
import { waitFor } from '../support/waitFor.ts';

const stream = `tongbu-test-${randomBytes(4).toString('hex')}`;
let redis: OwnRedis;
let nodes: TwoNodes;
let inspector: ReturnType<typeof createClient>;
const lease = (sessionId: string) => `${stream}:cluster:host:${sessionId}`;

beforeAll(async () => {
  redis = await ownRedis();
  // PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
  nodes = await startTwoNodes({ REDIS_URL: redis.url, REDIS_STREAM_NAME: stream, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0' });
  inspector = createClient({ url: redis.url });
  inspector.on('error', () => {});
  await inspector.connect();
});

afterAll(async () => {
  await nodes?.close();
  if (inspector?.isOpen) inspector.destroy();
  await redis?.stop();
});

describe('a cluster whose shared state fails', () => {
  it('N-LEASE-RACE: a node whose lesson another live node took over closes its room, and its participants follow the winner', async () => {
    const { a, b, on, platform } = nodes;
    const sessionId = await createLiveSession(platform);
    const teacher = await on(a, 'teacher.wang');
    await enterLesson(teacher, sessionId, ['camera']);
    // Placement may pick either node (their worker CPU decides).
    const [host, other] = a.service.rooms.has(sessionId) ? [a, b] : [b, a];
    const ganpu = await on(b, 'class.ganpu');
    const g = await enterLesson(ganpu, sessionId);

    // The host's renewal came too late and the other node took the lease: both believe they host.
    const toldTeacher = nextNotification(teacher, 'mediaRebuilt');
    const toldClassroom = nextNotification(ganpu, 'mediaRebuilt');
    await inspector.set(lease(sessionId), other.id, { expiration: { type: 'PX', value: 3000 } });
    await toldTeacher;
    await toldClassroom;
    expect(host.service.rooms.has(sessionId)).toBe(false);

    // They join again, as the client does on mediaRebuilt, and reach the winner's room.
    const t2 = await enterLesson(teacher, sessionId, ['camera']);
    expect(other.service.rooms.has(sessionId)).toBe(true);
    expect(host.service.rooms.has(sessionId)).toBe(false);
    const g2 = await ganpu.request('join', { sessionId, resume: { peerId: g.joined.peerId, token: g.joined.resumeToken } });
    await ganpu.request('createTransport', { direction: 'recv' });
    const { consumers } = await consumeAll(ganpu, g2);
    expect(consumers.find((c) => c.source === 'camera')).toMatchObject({ producerId: t2.produced['camera'] });
    expect(await inspector.get(lease(sessionId))).toBe(other.id);
  });

  it('N-REDIS-OUTAGE, LIVE-REJOIN-ENDED: without Redis a node keeps its lesson running and refuses new ones at once (one that ended, with its verdict); when Redis is back it holds its lesson again and places new ones', async () => {
    const { a, b, on, platform } = nodes;
    const running = await createLiveSession(platform);
    const waiting = await createLiveSession(platform);
    const over = await createLiveSession(platform);
    // A lesson that ended before Redis went away.
    const overTeacher = await on(a, 'teacher.wang');
    await overTeacher.request('join', { sessionId: over });
    const overVerdict = await overTeacher.request('endSession', {}, 30_000);
    // Placement may pick either node (their worker CPU decides): find the host, then hold the lesson's sockets there.
    const probe = await on(a, 'teacher.wang');
    const first = await probe.request('join', { sessionId: running });
    const [host, other] = a.service.rooms.has(running) ? [a, b] : [b, a];
    probe.close();
    await waitFor('the host to see the teacher offline', async () => host.service.rooms.get(running)?.participants.get(first.peerId)?.socket ?? null, (s) => s === null);
    const teacher = await on(host, 'teacher.wang');
    expect((await teacher.request('join', { sessionId: running, resume: { peerId: first.peerId, token: first.resumeToken } })).resumed).toBe(true);
    const ganpu = await on(host, 'class.ganpu');
    const g = await enterLesson(ganpu, running);
    await consumeAll(ganpu, g.joined);
    // Sockets for later, opened while sign-in still works.
    const teacherAgain = await on(host, 'teacher.wang');
    const liuliElsewhere = await on(other, 'class.liuli');

    await redis.stop();
    await waitFor('both nodes to see Redis gone', async () => [a.cluster.reachable, b.cluster.reachable], (r) => r.every((x) => !x));

    // The running lesson goes on: the teacher publishes, the classroom is told and receives it.
    const told = nextNotification(ganpu, 'newConsumer', (c) => c.source === 'microphone');
    const send = await teacher.request('createTransport', { direction: 'send' });
    await teacher.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
    const mic = await teacher.request('produce', { transportId: send.id, kind: 'audio', source: 'microphone', rtpParameters: fakeRtpParameters('audio', 7000) });
    expect((await told).producerId).toBe(mic.producerId);
    expect(host.service.rooms.get(running)!.participants.size).toBe(2);

    // Nothing new is placed, on either node, and the answer comes at once (not at the client's timeout).
    expect((await signalingRefusal(teacherAgain.request('join', { sessionId: waiting }))).code).toBe('cluster_unavailable');
    expect((await signalingRefusal(liuliElsewhere.request('join', { sessionId: waiting }))).code).toBe('cluster_unavailable');
    // A lesson that is over is refused as over, with its verdict, not as the cluster's trouble.
    const ended = await signalingRefusal(liuliElsewhere.request('join', { sessionId: over }));
    expect(ended.code).toBe('not_live');
    expect(ended.params.ended).toEqual(overVerdict);

    // Redis comes back empty (it keeps nothing on disk): the first heartbeat takes the running lesson's lease again.
    await redis.start();
    await inspector.connect().catch(() => undefined);
    await waitFor('the host to hold its lesson again', () => inspector.get(lease(running)), (holder) => holder === host.id);
    await waitFor('both nodes registered again', async () => a.cluster.nodes.map((n) => n.nodeId).sort().join(), (ids) => ids === 'node-a,node-b');
    expect(host.service.rooms.has(running)).toBe(true);

    // N-REDIS-RETURN: for one lease after Redis is back a lesson without a holder is not placed; the client tries again.
    const joined = await waitFor(
      'the waiting lesson to be placed',
      () =>
        teacherAgain.request('join', { sessionId: waiting }).catch((err: unknown) => {
          if (err instanceof SignalingError && err.code === 'cluster_unavailable') return null;
          throw err;
        }),
      (j) => j !== null,
    );
    expect(joined!.peerId).toBeTruthy();
    expect(a.service.rooms.has(waiting) || b.service.rooms.has(waiting)).toBe(true);
  });
});

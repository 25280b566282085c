/**
 * Several app nodes on one database and one Redis (server/cluster/SPEC.md), each with
 * its own mediasoup worker: a lesson has one room on one node whatever node its
 * participants' sockets reach; signaling is relayed to the hosting node; placement
 * skips a draining node; draining moves a hosted lesson to another node.
 * No browser: producers get browser-like RTP parameters (the browser run is
 * test/e2e/cluster-failover.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { Health } from '../../shared/schemas/health.ts';
import { consumeAll as consume, enterLesson as enter, startTwoNodes, type ClusterNode, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, nextNotification } from '../support/live.ts';
import type { TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
const shared = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0' };

let nodes: TwoNodes;
let nodeA: TestPlatform;
let a: ClusterNode;
let b: ClusterNode;
const on = (node: ClusterNode, username: string) => nodes.on(node, username);

beforeAll(async () => {
  nodes = await startTwoNodes(shared);
  ({ a, b, platform: nodeA } = nodes);
});

afterAll(async () => {
  await nodes?.close();
});

describe('one lesson across app nodes', () => {
  let sessionId: string;

  it('N-HOST-LEASE, N-RELAY: a teacher on node A and two classrooms on node B hold one lesson in one room on one node', async () => {
    sessionId = await createLiveSession(nodeA);
    const teacher = await on(a, 'teacher.wang');
    const t = await enter(teacher, sessionId, ['camera', 'microphone']);
    // Ties go to the node that took the join: node A hosts.
    expect(a.service.rooms.has(sessionId)).toBe(true);

    const ganpu = await on(b, 'class.ganpu');
    const g = await enter(ganpu, sessionId, ['camera']);
    // One room: node B opened none, and the classroom's answer comes from node A's room.
    expect(b.service.rooms.has(sessionId)).toBe(false);
    expect(g.joined.room.peers.map((p) => p.role).sort()).toEqual(['classroom', 'host']);
    expect(a.service.rooms.get(sessionId)!.participants.size).toBe(2);
    const { consumers } = await consume(ganpu, g.joined);
    expect(consumers.find((c) => c.source === 'camera')).toMatchObject({ producerId: t.produced['camera'], producerPeerId: t.joined.peerId });

    // Notifications of the host's room reach a socket of node B …
    const liuliJoined = nextNotification(ganpu, 'peerJoined', (p) => p.peer.role === 'classroom' && p.peer.peerId !== g.joined.peerId);
    const liuli = await on(b, 'class.liuli');
    const l = await enter(liuli, sessionId);
    expect((await liuliJoined).peer.peerId).toBe(l.joined.peerId);
    // … and a request relayed from node B acts on node A's room: the teacher receives the classroom.
    await consume(teacher, t.joined);
    await consume(liuli, l.joined);
    const staged = nextNotification(liuli, 'newConsumer', (c) => c.producerPeerId === g.joined.peerId);
    await teacher.request('setStage', { peerId: g.joined.peerId });
    expect((await staged).source).toBe('camera');
    expect(b.service.rooms.size).toBe(0);

    // Node A reports the lesson as its own on its heartbeat; node B reports none.
    await waitFor('the heartbeat to carry the lesson', async () => b.cluster.nodes.find((n) => n.nodeId === 'node-a')?.lessons ?? [], (l) => l.includes(sessionId));
    expect(b.cluster.load().lessons).toEqual([]);
    expect(a.cluster.load().consumers).toBeGreaterThan(0);
  });

  it('N-NODE-LOAD: /api/health of any node and the administrator\'s node list show every node\'s load and the lessons it hosts', async () => {
    const health = await waitFor(
      'node B\'s health to show node A hosting the lesson',
      () => fetch(`${b.url}/api/health`).then((r) => r.json() as Promise<Health>),
      (h) => !!h.cluster?.nodes.find((n) => n.nodeId === 'node-a')?.lessons.includes(sessionId),
    );
    expect(health.cluster!.nodeId).toBe('node-b');
    expect(health.cluster!.nodes.map((n) => n.nodeId).sort()).toEqual(['node-a', 'node-b']);
    expect(health.cluster!.nodes.find((n) => n.nodeId === 'node-a')).toMatchObject({ maxConsumers: 2000, workers: 1, transports: expect.any(Number), maxTransports: expect.any(Number) });

    const admin = await nodeA.signIn('admin');
    const view = await admin.call(api.clusterNodes, {});
    expect(view.ok && view.data.clustered).toBe(true);
    const hosting = view.ok ? view.data.nodes.find((n) => n.nodeId === 'node-a') : undefined;
    expect(hosting?.lessonDetails).toEqual([expect.objectContaining({ sessionId, title: '分数的初步认识' })]);
    const teacher = await nodeA.signIn('teacher.wang');
    const refused = await teacher.call(api.clusterNodes, {});
    expect(refused.ok ? 200 : refused.status).toBe(403);
  });

  it('N-RELAY: a dropped socket of node B resumes its participant on the host through node A', async () => {
    const liuli = await on(b, 'class.liuli');
    const first = await liuli.request('join', { sessionId });
    liuli.close();
    await waitFor('the host to see the classroom offline', async () => a.service.rooms.get(sessionId)?.participants.get(first.peerId)?.socket ?? null, (s) => s === null);
    const again = await on(a, 'class.liuli');
    const resumed = await again.request('join', { sessionId, resume: { peerId: first.peerId, token: first.resumeToken } });
    expect(resumed).toMatchObject({ resumed: true, peerId: first.peerId });
  });

  it('N-DRAIN, N-PLACEMENT, T-TOOLS-RESTORE: a draining node moves the lesson it hosts to another node and gets no new one; the lesson\'s countdown and open question move with it', async () => {
    const second = await createLiveSession(nodeA);
    const teacher = await on(b, 'teacher.wang');
    await enter(teacher, second, ['camera']);
    // Node A already hosts a lesson: the new one goes to node B (fewer lessons, same room left).
    expect(b.service.rooms.has(second)).toBe(true);
    const ganpu = await on(a, 'class.ganpu');
    const g = await enter(ganpu, second);
    const countdown = await teacher.request('timerStart', { seconds: 600 });
    const { question } = await teacher.request('quizAsk', { kind: 'true_false', text: '1/3 > 1/4', correct: [0], limitSeconds: 600 });

    const toldTeacher = nextNotification(teacher, 'mediaRebuilt');
    const toldClassroom = nextNotification(ganpu, 'mediaRebuilt');
    // Draining waits (CLUSTER_DRAIN_SECONDS at most) for the lesson to be hosted elsewhere.
    const drained = b.cluster.drain();
    await toldTeacher;
    await toldClassroom;
    expect(b.service.rooms.has(second)).toBe(false);

    // Both join again, as the client does on mediaRebuilt: the lesson is hosted by node A now.
    const t2 = await enter(teacher, second, ['camera']);
    const g2 = await ganpu.request('join', { sessionId: second, resume: { peerId: g.joined.peerId, token: g.joined.resumeToken } });
    // The old peer went with node B's room: a fresh peer on node A, with transports of its own.
    expect(g2.resumed).toBe(false);
    await ganpu.request('createTransport', { direction: 'recv' });
    // Node A's room took the tools back from the records: the same end instant, the question still open.
    expect(await ganpu.request('timerState', {})).toMatchObject({ running: true, endsAt: countdown.endsAt });
    expect((await ganpu.request('quizState', {})).questions.map((q) => q.id)).toEqual([question.id]);
    await ganpu.request('quizAnswer', { questionId: question.id, choice: [0] });
    await drained;
    expect(b.cluster.load().draining).toBe(true);
    expect(a.service.rooms.has(second)).toBe(true);
    expect(b.service.rooms.has(second)).toBe(false);
    expect(g2.room.peers.map((p) => p.peerId)).toContain(t2.joined.peerId);
    const { consumers } = await consume(ganpu, g2);
    expect(consumers.map((c) => c.source)).toContain('camera');

    // A third lesson whose teacher reaches the draining node is placed on node A.
    const third = await createLiveSession(nodeA);
    const host3 = await on(b, 'teacher.wang');
    await enter(host3, third);
    expect(a.service.rooms.has(third)).toBe(true);
    expect(b.service.rooms.size).toBe(0);
  });
});

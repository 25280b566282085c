/**
 * An edge room while Redis is gone (server/cluster/SPEC.md N-REDIS-OUTAGE, N-EDGE-TOOLS): the
 * host of a master-teacher lesson is full, so a classroom follows it on the other node. Redis
 * goes away; the edge keeps its room, but a class tool's request of its classroom is refused,
 * not answered by the edge room's own tools (which never heard the teacher's quiz). The test
 * runs its own Redis server, so it can stop it without touching anyone else's.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingError } from '../../shared/signaling/protocol.ts';
import { consumeAll, enterLesson, startTwoNodes, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, nextNotification, signalingRefusal } from '../support/live.ts';
import { ownRedis, type OwnRedis } from '../support/redisServer.ts';
import { waitFor } from '../support/waitFor.ts';

let redis: OwnRedis;
let nodes: TwoNodes;

beforeAll(async () => {
  redis = await ownRedis();
  nodes = await startTwoNodes({
    REDIS_URL: redis.url,
    REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`,
    MEDIA_NODE_MAX_CONSUMERS: '2',
    CLUSTER_LEASE_MS: '3000',
    LIVE_SWEEP_SECONDS: '0',
  });
});

afterAll(async () => {
  await nodes?.close();
  await redis?.stop();
});

describe('an edge room while Redis is gone', () => {
  it('N-REDIS-OUTAGE, N-EDGE-TOOLS: the edge classroom stays in its room, and its quiz requests are refused (cluster_unavailable) instead of answered from the edge room\'s own tools; with Redis back they reach the host again', async () => {
    const { a, b, on, platform } = nodes;
    const sessionId = await createLiveSession(platform, { mode: 'master' });
    // Placement may pick either node (their worker CPU decides): find the host, then hold the teacher's socket there
    // (a socket relayed from the other node is N-RELAY's business, not this test's).
    const probe = await on(a, 'teacher.wang');
    await probe.request('join', { sessionId });
    const [host, edge] = a.service.rooms.has(sessionId) ? [a, b] : [b, a];
    probe.close();
    const teacher = await on(host, 'teacher.wang');
    await enterLesson(teacher, sessionId, ['camera', 'microphone']);
    const ganpu = await on(host, 'class.ganpu');
    const g = await enterLesson(ganpu, sessionId);
    expect((await consumeAll(ganpu, g.joined)).consumers).toHaveLength(2);
    await waitFor('the host reported full', async () => edge.cluster.nodes.find((n) => n.nodeId === host.id)?.consumers ?? 0, (n) => n >= 2);
    const liuli = await on(edge, 'class.liuli');
    const asked = nextNotification(liuli, 'quizAsked');
    await liuli.request('join', { sessionId });
    expect(edge.cluster.load().edges).toEqual([sessionId]);
    const { question } = await teacher.request('quizAsk', { kind: 'single', text: '3/4 和 6/8 相等吗？', options: ['相等', '不相等'], correct: [0], limitSeconds: 600 });
    await asked;
    expect((await liuli.request('quizState', {})).questions.map((q) => q.id)).toEqual([question.id]);

    const edgeRoom = edge.service.rooms.get(sessionId);
    await redis.stop();
    await waitFor('both nodes to see Redis gone', async () => [a.cluster.reachable, b.cluster.reachable], (r) => r.every((x) => !x));
    // The edge keeps its room for the lesson; the tools are the host's, which it cannot reach now.
    expect(edge.service.rooms.has(sessionId)).toBe(true);
    expect((await signalingRefusal(liuli.request('quizState', {}))).code).toBe('cluster_unavailable');
    expect((await signalingRefusal(liuli.request('quizAnswer', { questionId: question.id, choice: [0] }))).code).toBe('cluster_unavailable');
    // The host's own classroom is answered by the host's room as before.
    expect((await ganpu.request('quizState', {})).questions.map((q) => q.id)).toEqual([question.id]);

    await redis.start();
    await waitFor('both nodes to reach Redis again', async () => [a.cluster.reachable, b.cluster.reachable], (r) => r.every((x) => x));
    // N-REDIS-RETURN: Redis came back empty; until every node has announced itself again, neither node counts the
    // other gone nor places the lesson anew, so the edge keeps its room and the classroom need not join again.
    const answered = nextNotification(teacher, 'quizAnswered', (n) => n.answer.questionId === question.id);
    const answer = await waitFor(
      'the edge classroom\'s answer to reach the host',
      async () => {
        try {
          return await liuli.request('quizAnswer', { questionId: question.id, choice: [0] });
        } catch (err) {
          // The nodes' relay channels may still be coming back; not_joined would mean the edge room was lost.
          if (err instanceof SignalingError && err.code === 'not_joined') throw err;
          return null;
        }
      },
      (r) => r !== null,
    );
    expect(answer!.answer.choice).toEqual([0]);
    expect((await answered).answer.classroomId).toBe(answer!.answer.classroomId);
    expect(edge.service.rooms.get(sessionId)).toBe(edgeRoom);
    await waitFor('both nodes registered again', async () => host.cluster.nodes.map((n) => n.nodeId).sort().join(), (ids) => ids === [a.id, b.id].sort().join());
    expect(edge.service.rooms.get(sessionId)).toBe(edgeRoom);
    // An outage and two reconnecting nodes on a busy machine: each step waits for its event; this only bounds a hang.
  }, 180_000);
});

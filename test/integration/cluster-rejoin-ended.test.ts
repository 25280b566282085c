/**
 * LIVE-REJOIN-ENDED across app nodes (server/cluster/SPEC.md): a classroom whose room
 * closed under it just as the lesson ended joins again, and that join may reach another
 * node — one that took the lesson's lease while its host stalled ending it (a busy
 * machine) and opened a room of its own. When the host has judged the lesson, that room
 * closes with the verdict (its classroom told `sessionEnded`), and a join of the lesson
 * through either node is refused `not_live` with the verdict, never as the cluster's trouble.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failuresOf } from '../../server/evidence/verdict.ts';
import { startTwoNodes, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, nextNotification, signalingRefusal } from '../support/live.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const stream = `tongbu-test-${randomBytes(4).toString('hex')}`;
// PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
const shared = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: stream, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0' };
const lease = (sessionId: string) => `${stream}:cluster:host:${sessionId}`;
const redis = createClient({ url: redisUrl });
redis.on('error', () => {});

let nodes: TwoNodes;

beforeAll(async () => {
  await redis.connect();
  nodes = await startTwoNodes(shared);
});

afterAll(async () => {
  await nodes?.close();
  await redis.quit().catch(() => undefined);
});

describe('a lesson ended while a classroom joined it again on another node', () => {
  it('LIVE-REJOIN-ENDED: the room another node opened for the lesson while its host was ending it closes with the host\'s verdict, and joining again through either node is refused with it', async () => {
    const { a, b, platform } = nodes;
    const sessionId = await createLiveSession(platform);
    const teacher = await nodes.on(a, 'teacher.wang');
    await teacher.request('join', { sessionId });
    // Placement may pick either node (their worker CPU decides a tie).
    const [host, other] = a.service.rooms.has(sessionId) ? [a, b] : [b, a];

    // The host stalled: the other node took the lease (the host gives its room up at its next heartbeat)…
    await redis.set(lease(sessionId), other.id, { expiration: { type: 'PX', value: 3000 } });
    await waitFor('the host to give its room up', async () => host.service.rooms.has(sessionId), (has) => !has);
    // …and 六里's join again reached the other node, which opened a room of the lesson.
    const liuli = await nodes.on(other, 'class.liuli');
    await liuli.request('join', { sessionId });
    expect(other.service.rooms.has(sessionId)).toBe(true);

    // The host, done stalling, ends and judges the lesson.
    const told = nextNotification(liuli, 'sessionEnded');
    const verdict = await host.service.endSession(sessionId, 'host', null);
    const ended = { status: verdict.status, reason: verdict.reason, failed: failuresOf(verdict.outcomes) };
    expect(await told).toEqual(ended);
    await waitFor('the other node\'s room of the lesson closed', async () => other.service.rooms.has(sessionId), (has) => !has);
    // …and its lease given up.
    await waitFor('the lease given up', () => redis.get(lease(sessionId)), (holder) => holder !== other.id);

    for (const node of [other, host]) {
      const ganpu = await nodes.on(node, 'class.ganpu');
      const refusal = await signalingRefusal(ganpu.request('join', { sessionId }));
      expect(refusal.code).toBe('not_live');
      expect(refusal.params.ended).toEqual(ended);
    }
    expect((await signalingRefusal(liuli.request('join', { sessionId }))).params.ended).toEqual(ended);
    // Neither node has a room of the lesson.
    expect([a, b].some((n) => n.service.rooms.has(sessionId))).toBe(false);
  });
});

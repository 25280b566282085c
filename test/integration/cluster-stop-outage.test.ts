/**
 * N-STOP-OUTAGE (server/cluster/SPEC.md): a node that stops while Redis is gone stops, with its
 * lesson's participants told to move, instead of waiting for Redis for ever. Its own Redis
 * server, so the outage touches nobody else.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import type { LiveCluster } from '../../server/cluster/LiveCluster.ts';
import { enterLesson } from '../support/cluster.ts';
import { createLiveSession, liveService, liveSocket, nextNotification, tempDataDir } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { ownRedis, type OwnRedis } from '../support/redisServer.ts';
import { waitFor } from '../support/waitFor.ts';

const data = tempDataDir();
let redis: OwnRedis;
let pool: WorkerPool;
let platform: TestPlatform | undefined;
let cluster: LiveCluster;

beforeAll(async () => {
  redis = await ownRedis();
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { REDIS_URL: redis.url, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, CLUSTER_LEASE_MS: '3000', ...data.env } });
  const service = liveService(platform);
  cluster = (await waitFor('the node in the cluster', async () => service.cluster as LiveCluster | null, (c) => c !== null && c.nodes.length === 1))!;
});

afterAll(async () => {
  await platform?.close();
  await redis?.stop();
  pool?.close();
  data.cleanup();
});

describe('a node stopping during a Redis outage', () => {
  it('N-STOP-OUTAGE: the node stops without Redis; the teacher of the lesson it hosted is told to move (or its socket drops)', async () => {
    const started = platform!;
    const service = liveService(started);
    const sessionId = await createLiveSession(started);
    const teacher = await liveSocket(started, 'teacher.wang');
    await enterLesson(teacher.signaling, sessionId, ['camera']);
    expect(service.rooms.has(sessionId)).toBe(true);
    // Told to move: `mediaRebuilt`, or its socket dropped as the node stops (the client's recovery
    // joins again either way). The notification goes through the Socket.IO adapter's Redis client,
    // which may not have noticed the outage yet when the drain sends it: then it is lost with the
    // node, and the dropped socket is what the client hears.
    const toldToMove = Promise.race([
      nextNotification(teacher.signaling, 'mediaRebuilt', () => true, 40_000).then(() => 'mediaRebuilt'),
      new Promise<string>((resolve) => teacher.socket.once('disconnect', () => resolve('disconnect'))),
    ]);

    await redis.stop();
    await waitFor('the node to see Redis gone', async () => cluster.reachable, (r) => !r, 20_000);
    await started.close();
    platform = undefined;
    expect(['mediaRebuilt', 'disconnect']).toContain(await toldToMove);
    expect(service.rooms.size).toBe(0);
    teacher.close();
  });
});

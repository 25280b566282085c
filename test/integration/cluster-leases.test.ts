/**
 * Host leases under stress (server/cluster/SPEC.md), two app nodes in this process on one
 * database and one Redis: a go-live slower than a lease keeps the lesson's lease (N-HOST-LEASE),
 * and a node killed in the middle is known to be gone at once — by its relay channel, which
 * lost its listener — not one lease later (N-NODE-GONE). The killed node is a stand-in written
 * into Redis by the test (a registration valid for minutes, a lease, a subscriber on its relay
 * channel that the test drops as a killed process's connection drops); the browser run of a real
 * kill -9 is test/e2e/cluster-failover.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingClient } from '../../client/src/media/signaling.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import type { AppDeps } from '../../server/app.ts';
import { clusterOf, type LiveCluster } from '../../server/cluster/index.ts';
import type { NodeLoad } from '../../server/cluster/placement.ts';
import { loadConfig } from '../../server/config.ts';
import { features } from '../../server/features.ts';
import { liveServiceOf, type LiveService } from '../../server/live/service.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { createLiveSession, signalingRefusal, tempDataDir } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const stream = `tongbu-test-${randomBytes(4).toString('hex')}`;
// PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
const LEASE_MS = 3000;
const shared = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: stream, CLUSTER_LEASE_MS: String(LEASE_MS), LIVE_SWEEP_SECONDS: '0' };
const key = { node: (id: string) => `${stream}:cluster:node:${id}`, nodes: `${stream}:cluster:nodes`, host: (s: string) => `${stream}:cluster:host:${s}`, relay: (id: string) => `${stream}:cluster:relay:${id}` };
const data = tempDataDir();
const redis = createClient({ url: redisUrl });
redis.on('error', () => {});

let nodeA: TestPlatform;
let poolA: WorkerPool;
let poolB: WorkerPool;
let depsB: AppDeps;
let nodeB: RunningServer;
const clients: SignalingClient[] = [];

interface Node {
  readonly url: string;
  readonly service: LiveService;
  readonly cluster: LiveCluster;
}
let a: Node;
let b: Node;

const nodeOf = (url: string, server: RunningServer): Node => {
  const service = liveServiceOf(server.io)!;
  return { url, service, cluster: service.cluster as LiveCluster };
};

beforeAll(async () => {
  await redis.connect();
  poolA = await WorkerPool.create({ size: 1 });
  poolB = await WorkerPool.create({ size: 1 });
  nodeA = await startTestPlatform({ media: poolA, env: { ...shared, ...data.env, CLUSTER_NODE_ID: 'node-a' } });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SERVE_CLIENT: 'false', SIGNIN_RATE_LIMIT: '1000', ...shared, ...data.env, CLUSTER_NODE_ID: 'node-b' });
  depsB = { config, database: nodeA.database, media: poolB, log: createLogger(config) };
  nodeB = await startServer(depsB, { ...features, port: 0, host: '127.0.0.1' });
  a = await waitFor('node A in the cluster', async () => nodeOf(nodeA.url, nodeA.server), (n) => !!n.cluster);
  b = await waitFor('node B in the cluster', async () => nodeOf(nodeB.url, nodeB), (n) => !!n.cluster && clusterOf(depsB) === n.cluster);
  await waitFor('both nodes registered', async () => a.cluster.nodes.map((n) => n.nodeId).sort(), (ids) => ids.join() === 'node-a,node-b');
});

afterAll(async () => {
  for (const c of clients) c.close();
  await nodeB?.close();
  await nodeA?.close();
  poolA?.close();
  poolB?.close();
  await redis.quit().catch(() => undefined);
  data.cleanup();
});

/** A signed-in account's signaling socket on one node (as if the load balancer had sent it there). */
async function on(node: Node, username: string): Promise<SignalingClient> {
  const user = await nodeA.signIn(username);
  const socket = io(node.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: user.cookie }, reconnection: false, forceNew: true });
  const client = new SignalingClient({ socket });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

describe('host leases when nodes are slow or die', () => {
  it('N-HOST-LEASE: a go-live slower than two leases keeps the lesson\'s lease on its node; a classroom reaching the other node meanwhile is sent to it', async () => {
    const sessionId = await createLiveSession(nodeA);
    // The go-live (the session's status change in the database) is held, on whichever node placement picks, until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atGoLive = new Promise<void>((r) => (reached = r));
    const restore = [a, b].map(({ service: { directory } }) => {
      const transition = directory.transition.bind(directory);
      directory.transition = async (...args) => {
        if (args[0] === sessionId && args[1] === 'live') {
          reached();
          await held;
        }
        return transition(...args);
      };
      return () => (directory.transition = transition);
    });
    try {
      const teacher = await on(a, 'teacher.wang');
      const joined = teacher.request('join', { sessionId }, 60_000);
      await atGoLive;
      const heldAt = Date.now();
      const hosting = (await redis.get(key.host(sessionId)))!;
      const [host, other] = hosting === 'node-a' ? [a, b] : [b, a];
      const holders = new Set<string | null>();
      await waitFor('two leases to pass while the go-live is held', async () => (holders.add(await redis.get(key.host(sessionId))), Date.now() - heldAt), (ms) => ms > 2 * LEASE_MS, undefined, 100);
      // A classroom reaching the other node now is relayed to the holder (not live yet there: refused), and that node takes nothing.
      const ganpu = await on(other, 'class.ganpu');
      expect((await signalingRefusal(ganpu.request('join', { sessionId }))).code).toBe('not_live');
      holders.add(await redis.get(key.host(sessionId)));
      expect([...holders]).toEqual([hosting]);
      release();
      const answer = await joined;
      expect(answer.permissions.publish).toContain('camera');
      expect(host.service.rooms.has(sessionId)).toBe(true);
      // Live now: the classroom of the other node joins the one room.
      const g = await ganpu.request('join', { sessionId });
      expect(g.room.peers.map((p) => p.role).sort()).toEqual(['classroom', 'host']);
      expect(other.service.rooms.has(sessionId)).toBe(false);
      expect(await redis.get(key.host(sessionId))).toBe(hosting);
    } finally {
      release();
      for (const undo of restore) undo();
    }
  });

  it('N-NODE-GONE: a killed node is known to be gone as soon as its relay channel has no listener: its lesson is taken over at once, and its registration forgotten before it would lapse', async () => {
    const sessionId = await createLiveSession(nodeA);
    // node Z: registered for ten minutes, holding the lesson's lease, listening on its relay channel.
    const zombie = redis.duplicate();
    zombie.on('error', () => {});
    await zombie.connect();
    await zombie.subscribe(key.relay('node-z'), () => undefined);
    const load: NodeLoad = { nodeId: 'node-z', consumers: 0, maxConsumers: 2000, lessons: [sessionId], workerCpu: 0, workers: 1, draining: false, startedAt: new Date().toISOString() };
    await redis.multi().set(key.node('node-z'), JSON.stringify(load), { expiration: { type: 'PX', value: 600_000 } }).sAdd(key.nodes, 'node-z').set(key.host(sessionId), 'node-z', { expiration: { type: 'PX', value: 600_000 } }).exec();
    await waitFor('the nodes to see node Z', async () => a.cluster.nodes.map((n) => n.nodeId), (ids) => ids.includes('node-z'));

    // kill -9: the process's connections close, its registration and lease stay for minutes.
    zombie.destroy();
    await waitFor('node Z\'s subscription to end', async () => Number(((await redis.sendCommand(['PUBSUB', 'NUMSUB', key.relay('node-z')])) as unknown[])[1]), (n) => n === 0);
    const teacher = await on(b, 'teacher.wang');
    // Within the client's own request timeout: not a relayed request waiting for the dead node, nor its lease.
    const joined = await teacher.request('join', { sessionId });
    expect(joined.resumed).toBe(false);
    const host = await redis.get(key.host(sessionId));
    expect(['node-a', 'node-b']).toContain(host);
    expect((host === 'node-a' ? a : b).service.rooms.has(sessionId)).toBe(true);
    expect(await redis.exists(key.node('node-z'))).toBe(0);
    await waitFor('node A to forget node Z', async () => a.cluster.nodes.map((n) => n.nodeId).sort(), (ids) => ids.join() === 'node-a,node-b');
  });
});

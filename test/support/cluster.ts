/**
 * Two app nodes in one test process (server/cluster/SPEC.md): node A is a whole test
 * platform, node B a second server on the same database; each has its own mediasoup
 * worker, both share one Redis. Sockets are opened on the node a test names, as if
 * the load balancer had sent them there.
 */
import { io } from 'socket.io-client';
import { SignalingClient } from '../../client/src/media/signaling.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import type { ResponseOf } from '../../shared/signaling/protocol.ts';
import type { AppDeps } from '../../server/app.ts';
import { clusterOf, type LiveCluster } from '../../server/cluster/index.ts';
import { loadConfig } from '../../server/config.ts';
import { features } from '../../server/features.ts';
import { liveServiceOf, type LiveService } from '../../server/live/service.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { fakeDtls, fakeRtpParameters, tempDataDir } from './live.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';
import { waitFor } from './waitFor.ts';

export interface ClusterNode {
  readonly id: string;
  readonly url: string;
  readonly service: LiveService;
  readonly cluster: LiveCluster;
  /** The node's Socket.IO server (a test reaches a socket's server side through it). */
  readonly io: RunningServer['io'];
}

export interface TwoNodes {
  /** Node A's platform: the database, sign-ins. */
  readonly platform: TestPlatform;
  readonly a: ClusterNode;
  readonly b: ClusterNode;
  /** A signed-in account's signaling socket on one node. */
  on(node: ClusterNode, username: string): Promise<SignalingClient>;
  close(): Promise<void>;
}

const nodeOf = (id: string, url: string, server: RunningServer): ClusterNode => {
  const service = liveServiceOf(server.io)!;
  return { id, url, service, cluster: service.cluster as LiveCluster, io: server.io };
};

/** Starts node A and node B with the given shared settings (REDIS_URL, REDIS_STREAM_NAME, CLUSTER_LEASE_MS…) and waits until each sees the other. */
export async function startTwoNodes(shared: Record<string, string>): Promise<TwoNodes> {
  const data = tempDataDir();
  const poolA = await WorkerPool.create({ size: 1 });
  const poolB = await WorkerPool.create({ size: 1 });
  const platform = await startTestPlatform({ media: poolA, env: { ...shared, ...data.env, CLUSTER_NODE_ID: 'node-a' } });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SERVE_CLIENT: 'false', SIGNIN_RATE_LIMIT: '1000', ...shared, ...data.env, CLUSTER_NODE_ID: 'node-b' });
  const depsB: AppDeps = { config, database: platform.database, media: poolB, log: createLogger(config) };
  const serverB = await startServer(depsB, { ...features, port: 0, host: '127.0.0.1' });
  const a = await waitFor('node A in the cluster', async () => nodeOf('node-a', platform.url, platform.server), (n) => !!n.cluster);
  const b = await waitFor('node B in the cluster', async () => nodeOf('node-b', serverB.url, serverB), (n) => !!n.cluster && clusterOf(depsB) === n.cluster);
  await waitFor('both nodes registered', async () => a.cluster.nodes.map((n) => n.nodeId).sort(), (ids) => ids.join() === 'node-a,node-b');
  const clients: SignalingClient[] = [];
  return {
    platform,
    a,
    b,
    async on(node, username) {
      const user = await platform.signIn(username);
      const socket = io(node.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: user.cookie }, reconnection: false, forceNew: true });
      const client = new SignalingClient({ socket });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await serverB.close();
      await platform.close();
      poolA.close();
      poolB.close();
      data.cleanup();
    },
  };
}

let ssrc = 5000;

/** Joins a lesson, opens a receiving transport and publishes the given sources with browser-like RTP parameters. */
export async function enterLesson(s: SignalingClient, sessionId: string, publish: ('camera' | 'microphone')[] = []) {
  const joined = await s.request('join', { sessionId });
  const recv = await s.request('createTransport', { direction: 'recv' });
  await s.request('connectTransport', { transportId: recv.id, dtlsParameters: fakeDtls });
  const produced: Record<string, string> = {};
  if (publish.length) {
    const send = await s.request('createTransport', { direction: 'send' });
    await s.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
    for (const source of publish) {
      const kind = source === 'microphone' ? 'audio' : 'video';
      produced[source] = (await s.request('produce', { transportId: send.id, kind, source, rtpParameters: fakeRtpParameters(kind, ssrc++) })).producerId;
    }
  }
  return { joined, recv, produced };
}

export const consumeAll = (s: SignalingClient, joined: ResponseOf<'join'>) => s.request('consume', { rtpCapabilities: joined.routerRtpCapabilities });

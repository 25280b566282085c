import { createClient, type RedisClientType } from 'redis';
import { closeRedisClient } from '../realtime/closeRedisClient.ts';
import type { Server as IoServer } from 'socket.io';
import { liveServiceFor } from '../live/service.ts';
import type { RealtimeFeature } from '../server.ts';
import { ClusterRegistry } from './ClusterRegistry.ts';
import { LiveCluster } from './LiveCluster.ts';
import type { NodeLoad } from './placement.ts';
import { SignalingRelay } from './SignalingRelay.ts';

export { LiveCluster } from './LiveCluster.ts';

const clusters = new WeakMap<object, LiveCluster>();
const byIo = new WeakMap<IoServer, LiveCluster>();

/** The cluster behind a running server's Socket.IO (the metrics read the nodes' load through this). */
export const clusterOfIo = (io: IoServer): LiveCluster | null => byIo.get(io) ?? null;

/** This platform's place in the cluster (null: one node, no Redis). */
export const clusterOf = (deps: object): LiveCluster | null => clusters.get(deps) ?? null;

/** /api/health's view of the cluster: this node and every node's load at the last heartbeat. */
export function clusterHealth(deps: object): { nodeId: string; nodes: readonly NodeLoad[] } | null {
  const cluster = clusterOf(deps);
  return cluster ? { nodeId: cluster.nodeId, nodes: cluster.nodes } : null;
}

/**
 * Several app nodes (server/cluster/SPEC.md): with Redis configured, this node
 * registers itself, hosts the lessons placed on it and relays the signaling of its
 * sockets to the nodes hosting theirs. Registered after the live feature, so on
 * shutdown it drains (moves its lessons away) before the live rooms close.
 */
export const clusterRealtime: RealtimeFeature = (io, deps) => {
  const redis = deps.config.redis;
  if (!redis) return;
  const prefix = `${redis.streamName}:cluster:`;
  const pub = createClient({ url: redis.url }) as RedisClientType;
  const sub = pub.duplicate();
  // Both reconnect by themselves; a failed command surfaces where it was issued.
  pub.on('error', () => {});
  sub.on('error', () => {});
  const { nodeId, leaseMs, maxConsumers, drainSeconds } = deps.config.cluster;
  const service = liveServiceFor(deps);
  const cluster = new LiveCluster({
    registry: new ClusterRegistry(pub, { prefix, nodeId, leaseMs }),
    relay: new SignalingRelay(pub, sub, { prefix, nodeId }),
    service,
    io,
    log: deps.log,
    maxConsumers,
    drainSeconds,
  });
  clusters.set(deps, cluster);
  byIo.set(io, cluster);
  const started = (async () => {
    await Promise.all([pub.connect(), sub.connect()]);
    await cluster.start();
    deps.log.info({ nodeId }, 'cluster: node registered');
  })().catch((err: unknown) => deps.log.error({ err }, 'cluster: joining the cluster failed'));
  return async () => {
    await started;
    await cluster.close().catch((err: unknown) => deps.log.warn({ err }, 'cluster: leaving the cluster failed'));
    clusters.delete(deps);
    byIo.delete(io);
    await Promise.all([closeRedisClient(sub), closeRedisClient(pub)]);
  };
};

import { nodeFull, portsLeft, type ClusterNodeLoad } from '../../shared/schemas/cluster.ts';
import type { LiveService } from '../live/service.ts';

/** What a node tells the cluster about itself on every heartbeat (N-NODE-LOAD; the shape is shared with /api/health). */
export type NodeLoad = ClusterNodeLoad;

/** Room left on a node as a share of its capacity (consumers, RTC ports, and worker CPU when it is known). */
export function roomLeft(n: NodeLoad): number {
  const consumers = 1 - n.consumers / n.maxConsumers;
  const cpu = n.workerCpu === null ? 1 : 1 - n.workerCpu;
  return Math.min(consumers, portsLeft(n), cpu);
}

/** A node that may take a new lesson: not draining, a media worker alive, room left. */
export const acceptsLessons = (n: NodeLoad): boolean => !n.draining && n.workers > 0 && !hostFull(n) && roomLeft(n) > 0;

/** Room left in steps of 5 %: a worker's idle CPU noise does not decide where a lesson goes. */
const band = (n: NodeLoad): number => Math.floor(roomLeft(n) * 20);

/**
 * N-PLACEMENT: a new lesson goes to the node with the most room left (in steps of 5 %); ties go to the
 * node with fewer lessons, then to `preferred` (the node that took the join: no hop),
 * then by node id (every node picks the same). Null: no node may take one.
 */
export function placeLesson(nodes: readonly NodeLoad[], preferred?: string): NodeLoad | null {
  const open = nodes.filter(acceptsLessons);
  if (open.length === 0) return null;
  return [...open].sort(
    (a, b) =>
      band(b) - band(a) ||
      a.lessons.length - b.lessons.length ||
      Number(b.nodeId === preferred) - Number(a.nodeId === preferred) ||
      (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0),
  )[0]!;
}

/** The host has no room for one more receiver (N-EDGE): its consumers, or its RTC ports (N-PLACEMENT-PORTS), are used up. */
export const hostFull = nodeFull;

/**
 * N-EDGE: the node that takes a receiver of a lesson whose host is full: a node already
 * an edge of the lesson if one has room (one pipe carries the teacher to many
 * classrooms), else the placement's choice among the other nodes. Null: none has room.
 */
export function placeEdge(nodes: readonly NodeLoad[], host: string, sessionId: string, preferred?: string): NodeLoad | null {
  const others = nodes.filter((n) => n.nodeId !== host && n.lessons.every((l) => l !== sessionId));
  const serving = others.filter((n) => acceptsLessons(n) && n.edges?.includes(sessionId));
  if (serving.length) return placeLesson(serving, preferred);
  return placeLesson(others, preferred);
}

/**
 * This node's load as its live rooms and media workers show it (N-NODE-LOAD); `edges`: its rooms for
 * lessons hosted elsewhere; `pipeConsumers`: what it sends to its lessons' edge nodes.
 */
export function localLoad(
  service: Pick<LiveService, 'rooms' | 'pool'>,
  options: { nodeId: string; maxConsumers: number; workerCpu?: number | null; draining?: boolean; startedAt?: string; edges?: readonly string[]; pipeConsumers?: number },
): NodeLoad {
  // N-PLACEMENT-PIPES: a pipe consumer sends to an edge node as a participant's consumer sends to a browser.
  const pipeConsumers = options.pipeConsumers ?? 0;
  let consumers = pipeConsumers;
  let transports = 0;
  let edgeParticipants = 0;
  const edges = new Set(options.edges ?? []);
  for (const [sessionId, room] of service.rooms) {
    for (const p of room.participants.values()) {
      consumers += p.consumers.size;
      transports += p.transports.size;
      if (edges.has(sessionId) && !p.mirror) edgeParticipants++;
    }
  }
  const pool = service.pool;
  const network = pool && !pool.closed ? pool.network : null;
  return {
    nodeId: options.nodeId,
    consumers,
    pipeConsumers,
    maxConsumers: options.maxConsumers,
    transports,
    // A UDP+TCP transport takes one port of each protocol's range: the range holds as many transports as it has ports.
    maxTransports: network && network.webRtcServerPort === undefined ? network.portRange.max - network.portRange.min + 1 : null,
    lessons: [...service.rooms.keys()].filter((id) => !edges.has(id)),
    edges: [...edges],
    edgeParticipants,
    workerCpu: options.workerCpu ?? null,
    workers: pool && !pool.closed ? pool.workers.filter((w) => !w.closed && !w.died).length : 0,
    draining: options.draining ?? false,
    startedAt: options.startedAt ?? new Date(Date.now() - process.uptime() * 1000).toISOString(),
  };
}

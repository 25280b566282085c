/** What a node tells the cluster about itself on every heartbeat (N-NODE-LOAD). */
export interface NodeLoad {
  readonly nodeId: string;
  /** Consumers its rooms carry now, and the most it may carry (MEDIA_NODE_MAX_CONSUMERS). */
  readonly consumers: number;
  readonly maxConsumers: number;
  /** Lessons it hosts. */
  readonly lessons: readonly string[];
  /** Its media workers' CPU use since the previous heartbeat, 0…1 per worker averaged (null: not measured yet). */
  readonly workerCpu: number | null;
  /** Media workers alive. */
  readonly workers: number;
  /** Draining (SIGTERM): hosts what it has until it is moved, takes nothing new. */
  readonly draining: boolean;
  readonly startedAt: string;
}

/** Room left on a node as a share of its capacity (consumers, and worker CPU when it is known). */
export function roomLeft(n: NodeLoad): number {
  const consumers = 1 - n.consumers / n.maxConsumers;
  const cpu = n.workerCpu === null ? 1 : 1 - n.workerCpu;
  return Math.min(consumers, cpu);
}

/** A node that may take a new lesson: not draining, a media worker alive, room left. */
export const acceptsLessons = (n: NodeLoad): boolean => !n.draining && n.workers > 0 && n.consumers < n.maxConsumers && roomLeft(n) > 0;

/**
 * N-PLACEMENT: a new lesson goes to the node with the most room left; ties go to the
 * node with fewer lessons, then to `preferred` (the node that took the join: no hop),
 * then by node id (every node picks the same). Null: no node may take one.
 */
export function placeLesson(nodes: readonly NodeLoad[], preferred?: string): NodeLoad | null {
  const open = nodes.filter(acceptsLessons);
  if (open.length === 0) return null;
  return [...open].sort(
    (a, b) =>
      roomLeft(b) - roomLeft(a) ||
      a.lessons.length - b.lessons.length ||
      Number(b.nodeId === preferred) - Number(a.nodeId === preferred) ||
      (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0),
  )[0]!;
}

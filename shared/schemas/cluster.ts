import { z } from 'zod';

/** One app node as the cluster knows it (server/cluster/SPEC.md N-NODE-LOAD). */
export const ClusterNodeLoad = z
  .object({
    nodeId: z.string(),
    /** Consumers carried: its participants' and one per producer piped to each edge node (N-PLACEMENT-PIPES). */
    consumers: z.number().int(),
    /** Of `consumers`, those feeding edge nodes' pipes (N-PLACEMENT-PIPES). */
    pipeConsumers: z.number().int().optional(),
    maxConsumers: z.number().int(),
    /** Open media transports (each holds an RTC port of each protocol it listens on; N-PLACEMENT-PORTS). */
    transports: z.number().int().optional(),
    /** Transports its RTC port range can hold (MEDIA_RTC_MIN_PORT–MAX_PORT); null: workers share one WebRtcServer port each, no range to run out of. */
    maxTransports: z.number().int().nullable().optional(),
    /** The media workers' CPU share (0…1 per worker, averaged) since the previous heartbeat; null before the second. */
    workerCpu: z.number().nullable(),
    workers: z.number().int(),
    draining: z.boolean(),
    startedAt: z.string(),
    /** Live lessons it hosts (session ids). */
    lessons: z.array(z.string()),
    /** Live lessons another node hosts whose extra receivers it carries (N-EDGE), fed through a pipe from the host. */
    edges: z.array(z.string()).optional(),
    /** Participants of its edge rooms (receivers it carries for lessons other nodes host; the hosts' publishers mirrored there not counted). */
    edgeParticipants: z.number().int().optional(),
  })
  .meta({ id: 'ClusterNodeLoad' });
export type ClusterNodeLoad = z.infer<typeof ClusterNodeLoad>;

/** Share of a node's RTC port range still free (N-PLACEMENT-PORTS); 1 when it has no range to run out of. */
export const portsLeft = (n: ClusterNodeLoad): number => (n.maxTransports ? 1 - (n.transports ?? 0) / n.maxTransports : 1);

/** No room for one more receiver: its consumers, or its RTC ports, are used up (N-EDGE, N-PLACEMENT-PORTS; the admin's page says "full"). */
export const nodeFull = (n: ClusterNodeLoad): boolean => n.consumers >= n.maxConsumers || portsLeft(n) <= 0;

/** A live lesson as the administrator's page of nodes names it. */
const LessonOnNode = z.object({ sessionId: z.string(), title: z.string(), startsAt: z.string(), endsAt: z.string() });

/** The nodes alive and what they host, for the administrator's page. */
export const ClusterView = z
  .object({
    /** The node that answered. */
    nodeId: z.string(),
    /** False: one node without Redis (the list is this node alone). */
    clustered: z.boolean(),
    nodes: z.array(
      ClusterNodeLoad.extend({
        lessonDetails: z.array(
          LessonOnNode.extend({
            /** Who is in its room as the host sees it, edge participants included (N-LIVE-LIST); null: not known (Redis unreachable). */
            present: z.object({ peers: z.number().int(), teachers: z.number().int(), classrooms: z.number().int() }).nullable(),
          }),
        ),
        /** The lessons it is an edge of (N-EDGE), with the node hosting each (null: none known right now). */
        edgeDetails: z.array(LessonOnNode.extend({ host: z.string().nullable() })),
      }),
    ),
  })
  .meta({ id: 'ClusterView' });
export type ClusterView = z.infer<typeof ClusterView>;

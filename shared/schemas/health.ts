import { z } from 'zod';
import { ClusterNodeLoad } from './cluster.ts';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number(),
    database: z.object({ kind: z.enum(['pglite', 'postgres']), ok: z.boolean(), latencyMs: z.number().nullable(), error: z.string().optional() }),
    media: z.object({
      workerBinary: z.string(),
      workers: z.array(z.object({ pid: z.number().int(), alive: z.boolean(), rooms: z.number().int(), cpuMs: z.number().nullable() })),
      expectedWorkers: z.number().int(),
    }),
    /** With several app nodes: this node's id and every node's load (server/cluster/SPEC.md N-NODE-LOAD). */
    cluster: z.object({ nodeId: z.string(), nodes: z.array(ClusterNodeLoad) }).optional(),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

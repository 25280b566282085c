import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { ClusterNodeLoad } from '../../shared/schemas/cluster.ts';
import type { Health } from '../../shared/schemas/health.ts';
import { resolveWorkerBinary } from '../../media/workerBinary.ts';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { Database } from '../db/client.ts';
import { bind } from '../http/route.ts';
import { buildOpenApiDocument } from '../http/openapi.ts';

export const version = '0.1.0';

/** With several app nodes: this node's id and every node's load (server/cluster/). */
export type ClusterHealth = () => { nodeId: string; nodes: readonly ClusterNodeLoad[] } | null;

export function systemRoutes(router: Router, database: Database, media: WorkerPool | null, expectedWorkers: number, cluster: ClusterHealth = () => null): void {
  bind(router, api.health, async ({ res }): Promise<Health> => {
    const started = performance.now();
    const dbState = await database.ping().then(
      () => ({ ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 }),
      (err: unknown) => ({ ok: false, latencyMs: null, error: String((err as Error)?.message ?? err) }),
    );
    const workers = media ? await media.info() : [];
    const mediaOk = workers.length === expectedWorkers && workers.every((w) => w.alive);
    const status = dbState.ok && mediaOk ? 'ok' : 'degraded';
    const nodes = cluster();
    if (status !== 'ok') res.status(503);
    return {
      status,
      version,
      uptimeSeconds: Math.round(process.uptime()),
      database: { kind: database.kind, ...dbState },
      media: {
        workerBinary: resolveWorkerBinary().path,
        workers: workers.map((w) => ({ pid: w.pid, alive: w.alive, rooms: w.routers, cpuMs: w.cpuMs })),
        expectedWorkers,
      },
      ...(nodes ? { cluster: { nodeId: nodes.nodeId, nodes: [...nodes.nodes] } } : {}),
    };
  });

  // Generated once: the document only changes with the code.
  let doc: unknown;
  router.get('/api/openapi.json', (_req, res) => {
    doc ??= buildOpenApiDocument(api, version);
    res.json(doc);
  });
}

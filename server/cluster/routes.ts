import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { ClusterView } from '../../shared/schemas/cluster.ts';
import type { AppDeps } from '../app.ts';
import { ForbiddenError } from '../http/errors.ts';
import { bind } from '../http/route.ts';
import { liveServiceFor } from '../live/service.ts';
import { clusterOf } from './index.ts';
import { localLoad } from './placement.ts';

/** The administrator's list of app nodes, their load and the lessons each hosts. */
export function clusterRoutes(router: Router, deps: AppDeps): void {
  const service = liveServiceFor(deps);
  bind(router, api.clusterNodes, async ({ actor }): Promise<ClusterView> => {
    if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator sees the app nodes');
    const cluster = clusterOf(deps);
    const nodes = cluster ? cluster.nodes : [localLoad(service, { nodeId: deps.config.cluster.nodeId, maxConsumers: deps.config.cluster.maxConsumers })];
    return {
      nodeId: cluster?.nodeId ?? deps.config.cluster.nodeId,
      clustered: !!cluster,
      nodes: await Promise.all(
        [...nodes]
          .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1))
          .map(async (n) => ({
            ...n,
            lessonDetails: (
              await Promise.all(
                n.lessons.map(async (sessionId) => {
                  const s = await service.directory.get(sessionId);
                  return s ? [{ sessionId, title: s.title, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }] : [];
                }),
              )
            ).flat(),
          })),
      ),
    };
  });
}

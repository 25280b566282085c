import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { ClusterView } from '../../shared/schemas/cluster.ts';
import type { AppDeps } from '../app.ts';
import { ForbiddenError } from '../http/errors.ts';
import { bind } from '../http/route.ts';
import { liveServiceFor, type LiveService } from '../live/service.ts';
import { clusterOf } from './index.ts';
import { localLoad } from './placement.ts';

/** Title and times of each live lesson named, those the directory knows (a lesson ended a moment ago is left out). */
async function lessonsNamed(service: LiveService, sessionIds: readonly string[]) {
  const found = await Promise.all(sessionIds.map(async (sessionId) => [sessionId, await service.directory.get(sessionId)] as const));
  return new Map(found.flatMap(([sessionId, s]) => (s ? [[sessionId, { sessionId, title: s.title, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }] as const] : [])));
}

/** The administrator's list of app nodes, their load, the lessons each hosts and those it is an edge of. */
export function clusterRoutes(router: Router, deps: AppDeps): void {
  const service = liveServiceFor(deps);
  bind(router, api.clusterNodes, async ({ actor }): Promise<ClusterView> => {
    if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator sees the app nodes');
    const cluster = clusterOf(deps);
    const nodes = [...(cluster ? cluster.nodes : [localLoad(service, { nodeId: deps.config.cluster.nodeId, maxConsumers: deps.config.cluster.maxConsumers })])].sort((a, b) =>
      a.nodeId < b.nodeId ? -1 : 1,
    );
    const hosted = nodes.flatMap((n) => n.lessons);
    const [named, present] = await Promise.all([lessonsNamed(service, [...new Set([...hosted, ...nodes.flatMap((n) => n.edges ?? [])])]), service.roomSummaries(hosted)]);
    const hostOf = (sessionId: string) => nodes.find((n) => n.lessons.includes(sessionId))?.nodeId ?? null;
    return {
      nodeId: cluster?.nodeId ?? deps.config.cluster.nodeId,
      clustered: !!cluster,
      nodes: nodes.map((n) => ({
        ...n,
        lessonDetails: n.lessons.flatMap((id) => {
          const lesson = named.get(id);
          const room = present.get(id);
          return lesson ? [{ ...lesson, present: room ? { peers: room.peers, teachers: room.teachers, classrooms: room.classrooms } : null }] : [];
        }),
        edgeDetails: (n.edges ?? []).flatMap((id) => {
          const lesson = named.get(id);
          return lesson ? [{ ...lesson, host: hostOf(id) }] : [];
        }),
      })),
    };
  });
}

import type { Router } from 'express';
import { api } from '../../../shared/api/index.ts';
import type { Actor } from '../../accounts/actor.ts';
import { NotFoundError } from '../../http/errors.ts';
import { bind } from '../../http/route.ts';
import { mayReadParticipation } from '../participationService.ts';
import type { LiveService } from '../service.ts';
import { chatView } from './ToolStore.ts';
import { storeOf } from './kit.ts';

/** The session's records may be read by whoever reads its participation (T-TOOLS-SCOPE); anybody else gets a 404. */
async function readable(service: LiveService, sessionId: string, actor: Actor): Promise<void> {
  const session = await service.directory.get(sessionId);
  if (!session || !mayReadParticipation(session, actor)) throw new NotFoundError('Session');
}

export function classToolRoutes(router: Router, service: LiveService): void {
  bind(router, api.liveQuizResults, async ({ actor, params }) => {
    await readable(service, params.sessionId, actor);
    const store = storeOf(service);
    return { questions: await store.quizResults(params.sessionId), timeline: await store.timeline(params.sessionId) };
  });

  bind(router, api.liveChatHistory, async ({ actor, params }) => {
    await readable(service, params.sessionId, actor);
    const rows = await storeOf(service).chatMessages(params.sessionId);
    return { messages: rows.map((r) => ({ ...chatView(r), deletedBy: r.deletedBy })) };
  });
}

import type { Socket } from 'socket.io';
import { liveRequests } from '../../shared/signaling/live.ts';
import { describeIssues, requestEvent, requestNames, type RequestName } from '../../shared/signaling/protocol.ts';
import { audioCoursewareHandlers } from '../courseware/audioCoursewareHandlers.ts';
import { coursewareHandlers } from '../courseware/signaling.ts';
import type { Actor } from '../accounts/actor.ts';
import type { SocketData } from '../realtime/io.ts';
import { signalingErrorOf } from './errors.ts';
import type { Handler, HandlerTable } from './handlers.ts';
import { mediaHandlers } from './mediaHandlers.ts';
import { recordingHandlers } from './recordingHandlers.ts';
import type { LiveService } from './service.ts';
import { sessionHandlers } from './sessionHandlers.ts';
import { stageHandlers } from './stageHandlers.ts';
import { classToolHandlers } from './tools/handlers.ts';

/**
 * Binds the signaling table (shared/signaling/live.ts) to a socket: each request
 * is validated against its schema, run by its handler, and its answer is
 * validated too (undeclared fields are stripped) before the acknowledgement.
 * Each module brings its handlers from a file of its own (handlers.ts says
 * how); the table below must hold every request of the signaling table.
 */
const handlers: HandlerTable = {
  ...sessionHandlers,
  ...mediaHandlers,
  ...stageHandlers,
  ...recordingHandlers,
  ...classToolHandlers,
  ...coursewareHandlers,
  ...audioCoursewareHandlers,
};

/** Validates a request, runs its handler and validates the answer: what goes into the acknowledgement. */
export async function answerLiveRequest(socket: Socket, actor: Actor, service: LiveService, name: string, raw: unknown): Promise<unknown> {
  if (!(requestNames as readonly string[]).includes(name)) return { error: { code: 'validation', message: `${name}: no such request` } };
  const request = name as RequestName;
  const entry = liveRequests[request];
  const parsed = entry.request.safeParse(raw ?? {});
  if (!parsed.success) return { error: { code: 'validation', message: `${name}: ${describeIssues(parsed.error)}` } };
  try {
    const result = await (handlers[request] as Handler<RequestName>)({ socket, actor, service }, parsed.data as never);
    return entry.response.parse(result);
  } catch (err) {
    return signalingErrorOf(err, service.log, name);
  }
}

/** Registers the live signaling handlers on a connected (authenticated) socket. */
export function bindLiveSocket(socket: Socket, service: LiveService): void {
  const { actor } = socket.data as SocketData;
  for (const name of requestNames) {
    socket.on(requestEvent(name), async (raw: unknown, ack?: unknown) => {
      if (typeof ack !== 'function') return;
      const here = () => answerLiveRequest(socket, actor, service, name, raw);
      // Several nodes: the request goes to the node hosting the socket's lesson (server/cluster/).
      (ack as (answer: unknown) => void)(await (service.cluster ? service.cluster.request(socket, actor, name, raw, here) : here()));
    });
  }
  socket.on('disconnect', () => {
    service.socketGone(socket);
    service.cluster?.socketGone(socket);
  });
}

import type { Socket } from 'socket.io';
import { liveRequests } from '../../shared/signaling/live.ts';
import { describeIssues, requestEvent, requestNames, type RequestName } from '../../shared/signaling/protocol.ts';
import { coursewareHandlers } from '../courseware/signaling.ts';
import type { SocketData } from '../realtime/io.ts';
import { signalingErrorOf } from './errors.ts';
import { inRoom, requireModerator, type Handler, type HandlerTable } from './handlers.ts';
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
  ...classToolHandlers({ inRoom, requireModerator }),
  ...coursewareHandlers,
};

/** Registers the live signaling handlers on a connected (authenticated) socket. */
export function bindLiveSocket(socket: Socket, service: LiveService): void {
  const { actor } = socket.data as SocketData;
  for (const name of requestNames) {
    socket.on(requestEvent(name), async (raw: unknown, ack?: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: unknown) => void;
      const entry = liveRequests[name];
      const parsed = entry.request.safeParse(raw ?? {});
      if (!parsed.success) {
        reply({ error: { code: 'validation', message: `${name}: ${describeIssues(parsed.error)}` } });
        return;
      }
      try {
        const result = await (handlers[name] as Handler<RequestName>)({ socket, actor, service }, parsed.data as never);
        reply(entry.response.parse(result));
      } catch (err) {
        reply(signalingErrorOf(err, service.log, name));
      }
    });
  }
  socket.on('disconnect', () => service.socketGone(socket));
}

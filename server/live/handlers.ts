import type { Socket } from 'socket.io';
import type { ParsedRequestOf, RequestName, ResponseOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import { LiveError } from './errors.ts';
import type { LiveRoom, MirrorAction, Participant } from './LiveRoom.ts';
import type { LiveService } from './service.ts';

/**
 * What a signaling handler is: one entry of the signaling table
 * (shared/signaling/live.ts) run on the server. Each module of the live plane
 * keeps its handlers in a file of its own (`xHandlers`, `satisfies
 * Partial<HandlerTable>`), and signaling.ts spreads them into the one full table.
 */
export interface Ctx {
  readonly socket: Socket;
  readonly actor: Actor;
  readonly service: LiveService;
}

export interface InRoom extends Ctx {
  readonly room: LiveRoom;
  readonly peer: Participant;
}

export type Handler<N extends RequestName> = (ctx: Ctx, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>>;

/** Every request of the table, each with its handler. */
export type HandlerTable = { [N in RequestName]: Handler<N> };

/** Most requests need a joined participant. */
export function inRoom<N extends RequestName>(fn: (ctx: InRoom, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>>): Handler<N> {
  return async (ctx, req) => {
    const b = ctx.service.bindingOf(ctx.socket);
    if (!b || b.room.closed) throw new LiveError('not_joined', 'Join the session first');
    return fn({ ...ctx, room: b.room, peer: b.peer }, req);
  };
}

export function requireModerator(ctx: InRoom): void {
  if (!ctx.room.permissions(ctx.peer).moderate) throw new LiveError('forbidden', 'Only the teacher hosting the session may do this');
}

/** The answer of requests that answer nothing. */
export const empty = {} as const;

/**
 * The host's action on a participant of an edge room (one that follows the lesson on another
 * node, server/cluster N-EDGE-HAND): that node does it, and its new state comes back to this room.
 */
export async function actOnEdge(ctx: InRoom, target: Participant, action: MirrorAction): Promise<void> {
  if (!ctx.service.cluster) throw new LiveError('not_found', 'That participant is not in the room');
  await ctx.service.cluster.actOnEdge(ctx.room.sessionId, target, action);
}

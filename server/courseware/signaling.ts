import type { Socket } from 'socket.io';
import type { coursewareRequests } from '../../shared/signaling/courseware.ts';
import type { ParsedRequestOf, ResponseOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import { LiveError } from '../live/errors.ts';
import type { Participant } from '../live/LiveRoom.ts';
import type { LiveService } from '../live/service.ts';
import { coursewareOf } from './index.ts';
import type { RoomBoard } from './RoomBoard.ts';

type Name = keyof typeof coursewareRequests;

interface Ctx {
  readonly socket: Socket;
  readonly actor: Actor;
  readonly service: LiveService;
}

interface OnBoard {
  readonly actor: Actor;
  readonly service: LiveService;
  readonly board: RoomBoard;
  readonly peer: Participant;
  readonly sessionId: string;
}

/** Every board request needs a joined participant; it acts on its room's board. */
function onBoard<N extends Name>(fn: (ctx: OnBoard, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>> | ResponseOf<N>) {
  return async (ctx: Ctx, req: ParsedRequestOf<N>): Promise<ResponseOf<N>> => {
    const b = ctx.service.bindingOf(ctx.socket);
    if (!b || b.room.closed) throw new LiveError('not_joined', 'Join the session first');
    const board = await coursewareOf(ctx.service).boardOf(b.room);
    return fn({ actor: ctx.actor, service: ctx.service, board, peer: b.peer, sessionId: b.room.sessionId }, req);
  };
}

const empty = {} as const;

/** The courseware and whiteboard requests of the signaling table (shared/signaling/courseware.ts). */
export const coursewareHandlers: { [N in Name]: (ctx: Ctx, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>> } = {
  boardState: onBoard<'boardState'>(({ board }) => board.state()),

  showCourseware: onBoard<'showCourseware'>(async ({ board, peer, service, actor, sessionId }, { coursewareId, page }) => {
    board.requireHost(peer);
    const shown = coursewareId ? await coursewareOf(service).store.showable(actor, sessionId, coursewareId) : null;
    if (coursewareId && !shown) throw new LiveError('not_found', 'Courseware not found');
    return board.show(peer, shown, page);
  }),

  turnPage: onBoard<'turnPage'>(({ board, peer }, { page }) => board.turn(peer, page)),

  drawStroke: onBoard<'drawStroke'>(({ board, peer }, { stroke }) => {
    board.draw(peer, stroke);
    return empty;
  }),

  eraseStrokes: onBoard<'eraseStrokes'>(({ board, peer }, { strokeIds }) => {
    board.erase(peer, strokeIds);
    return empty;
  }),

  undoStroke: onBoard<'undoStroke'>(({ board, peer }) => ({ undone: board.undo(peer) })),

  clearPage: onBoard<'clearPage'>(({ board, peer }) => {
    board.clear(peer);
    return empty;
  }),

  setLayout: onBoard<'setLayout'>(({ board, peer }, { layout }) => {
    board.setLayout(peer, layout);
    return empty;
  }),

  setStageWriting: onBoard<'setStageWriting'>(({ board, peer }, { allowed }) => {
    board.setStageWriting(peer, allowed);
    return empty;
  }),
};

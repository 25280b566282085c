import type { RequestName } from '../../../shared/signaling/protocol.ts';
import type { Participant } from '../LiveRoom.ts';
import type { LiveService } from '../service.ts';
import type { Handler, InRoom } from '../handlers.ts';
import { LiveError } from '../errors.ts';
import { RateWindow } from '../RateWindow.ts';
import { ToolStore } from './ToolStore.ts';

export type HandlersOf<T> = { [N in keyof T & RequestName]: Handler<N> };

const stores = new WeakMap<LiveService, ToolStore>();

/** The records of the platform's live service. */
export function storeOf(service: LiveService): ToolStore {
  let s = stores.get(service);
  if (!s) stores.set(service, (s = new ToolStore(service.db)));
  return s;
}

const chatRates = new WeakMap<LiveService, RateWindow>();

/** T-CHAT-RATE: one more chat message of this participant, or the refusal when it sent its limit within the window. */
export function takeChatTurn(ctx: InRoom): void {
  let rate = chatRates.get(ctx.service);
  if (!rate) chatRates.set(ctx.service, (rate = new RateWindow(ctx.service.config.live.chatRate)));
  if (!rate.take(`${ctx.room.sessionId}/${ctx.peer.actor.accountId}`)) {
    throw new LiveError('rate_limited', `chatSend: at most ${rate.limit.max} messages in ${rate.limit.windowMs / 1000} s; wait a moment`);
  }
}

/** Everybody in the room, patrols included (they see what the room sees). */
export const everyone = (ctx: InRoom): Iterable<Participant> => ctx.room.participants.values();
